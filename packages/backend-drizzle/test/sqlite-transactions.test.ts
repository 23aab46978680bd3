/**
 * DESIGN.md §3 against real SQLite files: transactional enqueue (commit, rollback,
 * savepoints, invisibility before commit) and what is particular to atomic tasks on SQLite
 * (their own connection, synchronous writes, savepoints, one at a time, the write lock). What
 * every backend promises of atomic tasks is in the conformance suite (suites/atomic.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type Database from "better-sqlite3";
import { closeTasks, configureTasks, resetTasksConfiguration, silentLogger, task, unregisterTasks, Worker, type TaskResult } from "@tasks/core";
import { identityHash, newTaskId } from "@tasks/core/backend";
import { SqliteBackend } from "../src/sqlite/index.js";
import { migratedFile, openDb, tempDir, type TempDir } from "./sqlite-helpers.js";

describe("SQLite transactions", () => {
  let dir: TempDir;
  let app: { client: Database.Database; db: BetterSQLite3Database };
  let peer: { client: Database.Database; db: BetterSQLite3Database };
  let backend: SqliteBackend;
  let other: SqliteBackend;

  beforeAll(async () => {
    dir = tempDir();
    const file = await migratedFile(dir);
    app = openDb(file);
    app.db.run(sql`CREATE TABLE app_notes (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`);
    // The application's own connection; a second one looks at the file from outside.
    backend = new SqliteBackend({ db: app.db });
    peer = openDb(file);
    other = new SqliteBackend({ path: file });
    configureTasks({ backends: { default: { backend, queues: [] } }, logger: silentLogger });
  });
  afterEach(() => unregisterTasks());
  afterAll(async () => {
    resetTasksConfiguration();
    await other?.close();
    await backend?.close();
    await closeTasks();
    peer?.client.close();
    app?.client.close();
    dir?.remove();
  });

  const notes = (): string[] => peer.client.prepare<[], { note: string }>("SELECT note FROM app_notes ORDER BY id").all().map((row) => row.note);
  const peerCount = (taskName: string): number =>
    peer.client.prepare<[string, string], { n: number }>("SELECT (SELECT count(*) FROM tasks_queue WHERE task_name = ?) + (SELECT count(*) FROM tasks_results WHERE task_name = ?) AS n").get(taskName, taskName)?.n ?? -1;

  it("enqueue inside a transaction exists after commit and not after rollback", async () => {
    const send = task({ name: "tx.send", queueName: "tx-commit" }, async (to: string) => to);
    let committed!: Promise<TaskResult<string>>;
    app.db.transaction((tx) => {
      committed = send.using({ transaction: tx }).enqueue("a@x");
    });
    expect((await other.get({ backend: "default", id: (await committed).id }))?.status).toBe("READY");

    let rolledBack!: Promise<TaskResult<string>>;
    expect(() =>
      app.db.transaction((tx) => {
        rolledBack = send.using({ transaction: tx }).enqueue("b@x");
        throw new Error("application rolls back");
      }),
    ).toThrow("application rolls back");
    const { id } = await rolledBack;
    expect(await other.get({ backend: "default", id })).toBeNull();
    expect(await backend.get({ backend: "default", id })).toBeNull();
  });

  it("a task enqueued in an open transaction is visible inside it and invisible to other connections until commit", async () => {
    const send = task({ name: "tx.invisible", queueName: "tx-invisible" }, async () => null);
    let inside = -1;
    let outside = -1;
    app.db.transaction((tx) => {
      void send.using({ transaction: tx }).enqueue();
      inside = tx.get<{ n: number }>(sql`SELECT count(*) AS n FROM tasks_queue WHERE task_name = 'tx.invisible'`).n;
      outside = peerCount("tx.invisible");
    });
    expect(inside).toBe(1);
    expect(outside).toBe(0);
    expect(peerCount("tx.invisible")).toBe(1);
  });

  it("a rolled-back savepoint removes its enqueue while the outer transaction commits", async () => {
    const send = task({ name: "tx.savepoint", queueName: "tx-savepoint" }, async (n: number) => n);
    let outer!: Promise<TaskResult<number>>;
    let inner!: Promise<TaskResult<number>>;
    app.db.transaction((tx) => {
      outer = send.using({ transaction: tx }).enqueue(1);
      expect(() =>
        tx.transaction((savepoint) => {
          inner = send.using({ transaction: savepoint }).enqueue(2);
          throw new Error("savepoint rolls back");
        }),
      ).toThrow("savepoint rolls back");
    });
    expect((await other.get({ backend: "default", id: (await outer).id }))?.status).toBe("READY");
    expect(await other.get({ backend: "default", id: (await inner).id })).toBeNull();
  });

  it("enqueue without a transaction inside one does not join it", async () => {
    const send = task({ name: "tx.outside", queueName: "tx-outside" }, async () => null);
    let pending!: Promise<TaskResult<null>>;
    expect(() =>
      app.db.transaction(() => {
        pending = send.enqueue();
        throw new Error("rolls back");
      }),
    ).toThrow("rolls back");
    expect((await other.get({ backend: "default", id: (await pending).id }))?.status).toBe("READY");
  });

  it("wakes in-process listeners after the enqueuing transaction commits, not after a rollback", async () => {
    await new Promise((resolve) => setImmediate(resolve)); // earlier tests' wake-ups
    const heard: string[] = [];
    const unsubscribe = backend.onTasksAvailable((queue) => heard.push(queue));
    try {
      const send = task({ name: "tx.notify", queueName: "tx-notify" }, async () => null);
      let pending!: Promise<unknown>;
      app.db.transaction((tx) => {
        pending = send.using({ transaction: tx }).enqueue();
        expect(heard).toEqual([]);
      });
      let dropped!: Promise<unknown>;
      expect(() =>
        app.db.transaction((tx) => {
          dropped = send.using({ transaction: tx, queueName: "tx-notify-dropped" }).enqueue();
          throw new Error("rolls back");
        }),
      ).toThrow("rolls back");
      await Promise.all([pending, dropped]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(heard).toEqual(["tx-notify"]);
    } finally {
      unsubscribe();
    }
  });

  it("rejects transactions it cannot write through, saying what to pass", async () => {
    const send = task({ name: "tx.bad" }, async () => null);
    await expect(send.using({ transaction: { run: () => {} } }).enqueue()).rejects.toThrow(/must be a Drizzle better-sqlite3 transaction/);
    let foreign!: Promise<unknown>;
    peer.db.transaction((tx) => {
      foreign = send.using({ transaction: tx }).enqueue();
    });
    await expect(foreign).rejects.toThrow(/belongs to another database connection/);
    // An async callback: better-sqlite3 has committed by the time the enqueue runs.
    let late!: Promise<unknown>;
    app.db.transaction((tx) => {
      late = Promise.resolve().then(() => send.using({ transaction: tx }).enqueue());
    });
    await expect(late).rejects.toThrow(/no longer open/);
    expect(peerCount("tx.bad")).toBe(0);
  });

  // What completeAtomically promises on every backend (commit with SUCCESSFUL, rollback on a
  // throw, refused when the claim was lost) is in the conformance suite (suites/atomic.ts).
  describe("atomic tasks on SQLite", () => {
    const runWorker = (queue: string) => new Worker({ queues: [queue], batch: true, concurrency: 2, pollIntervalMs: 20, logger: silentLogger }).run();

    it("the task's transaction is a Drizzle better-sqlite3 database on its own connection: synchronous writes through it stay invisible until commit, and roll back when it throws", async () => {
      const write = task({ name: "atomic.notes", queueName: "atomic-notes", atomic: true, takesContext: true }, async (context, note: string, fail: boolean) => {
        const tx = context.transaction as BetterSQLite3Database;
        tx.run(sql`INSERT INTO app_notes (note) VALUES (${note})`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        // Not visible outside until the task commits.
        expect(notes()).not.toContain(note);
        if (fail) throw new RangeError("task failed after writing");
        return note.length;
      });
      const committed = await write.enqueue("committed", false);
      const thrown = await write.enqueue("thrown", true);
      await runWorker("atomic-notes");
      await committed.refresh();
      expect(committed.status).toBe("SUCCESSFUL");
      expect(committed.returnValue).toBe(9);
      await thrown.refresh();
      expect(thrown.status).toBe("FAILED");
      expect(thrown.errors.at(-1)?.className).toBe("RangeError");
      expect(notes()).toContain("committed");
      expect(notes()).not.toContain("thrown");
    });

    it("enqueues through its transaction commit with it; a savepoint inside it rolls back alone", async () => {
      const follow = task({ name: "atomic.follow", queueName: "atomic-follow-up" }, async (n: number) => n);
      const parent = task({ name: "atomic.parent", queueName: "atomic-parent", atomic: true, takesContext: true }, async (context) => {
        const tx = context.transaction as BetterSQLite3Database;
        const kept = await follow.using({ transaction: tx }).enqueue(1);
        expect(() =>
          tx.transaction((savepoint) => {
            savepoint.run(sql`INSERT INTO app_notes (note) VALUES ('savepoint')`);
            throw new Error("savepoint rolls back");
          }),
        ).toThrow("savepoint rolls back");
        tx.run(sql`INSERT INTO app_notes (note) VALUES ('after savepoint')`);
        return { kept: kept.id };
      });
      const result = await parent.enqueue();
      await runWorker("atomic-parent");
      await result.refresh();
      expect(result.status).toBe("SUCCESSFUL");
      const { kept } = result.returnValue as { kept: string };
      expect((await other.get({ backend: "default", id: kept }))?.status).toBe("READY");
      expect(notes()).not.toContain("savepoint");
      expect(notes()).toContain("after savepoint");
    });

    it("an enqueue inside an atomic task without its transaction fails at once with advice", async () => {
      const follow = task({ name: "atomic.bare-follow", queueName: "atomic-bare-follow" }, async () => null);
      const parent = task({ name: "atomic.bare", queueName: "atomic-bare", atomic: true }, async () => {
        await follow.enqueue();
      });
      const result = await parent.enqueue();
      await runWorker("atomic-bare");
      await result.refresh();
      expect(result.status).toBe("FAILED");
      expect(result.errors.at(-1)?.message).toMatch(/using\(\{ transaction: context\.transaction \}\)/);
      expect(peerCount("atomic.bare-follow")).toBe(0);
    });

    it("atomic tasks of one process run one at a time, while their worker runs several tasks at once", async () => {
      let running = 0;
      let most = 0;
      const write = task({ name: "atomic.serial", queueName: "atomic-serial", atomic: true, takesContext: true }, async (context, n: number) => {
        most = Math.max(most, ++running);
        (context.transaction as BetterSQLite3Database).run(sql`INSERT INTO app_notes (note) VALUES (${`serial-${n}`})`);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running--;
        return n;
      });
      const results = await write.enqueueMany([[1], [2], [3], [4]]);
      await new Worker({ queues: ["atomic-serial"], batch: true, concurrency: 4, pollIntervalMs: 20, logger: silentLogger }).run();
      for (const result of results) await result.refresh();
      expect(results.map((result) => result.status)).toEqual(["SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"]);
      expect(most).toBe(1);
      expect(notes().filter((note) => note.startsWith("serial-")).sort()).toEqual(["serial-1", "serial-2", "serial-3", "serial-4"]);
    });

    it("another connection's write waits for the atomic task to commit, then sees it finished", async () => {
      const id = newTaskId();
      await backend.enqueue({ backend: "default", now: new Date(), tasks: [newTask(id, "atomic.wait", "atomic-wait")] });
      const [claimed] = await backend.claim({ backend: "default", now: new Date(), workerId: "w", queues: { include: ["atomic-wait"], exclude: [] }, limit: 1, leaseMs: 60_000 });
      let cancel: Promise<unknown> | undefined;
      const outcome = await backend.completeAtomically({
        backend: "default",
        id,
        attempt: claimed!.attempts,
        now: () => new Date(),
        run: async (tx) => {
          (tx as BetterSQLite3Database).run(sql`INSERT INTO app_notes (note) VALUES ('waited')`);
          cancel = other.cancel({ backend: "default", now: new Date(), id });
          await new Promise((resolve) => setTimeout(resolve, 100));
          return "done";
        },
      });
      expect(outcome).toEqual({ applied: true, returnValue: "done" });
      // The cancel ran after the commit: it found the task finished and left it so.
      expect(await cancel).toMatchObject({ status: "SUCCESSFUL", returnValue: "done" });
      expect(notes()).toContain("waited");
    });
  });
});

function newTask(id: string, taskName: string, queueName: string) {
  return { id, taskName, queueName, priority: 0, args: [], runAfter: null, maxAttempts: 1, identityHash: identityHash(taskName, []), uniqueKey: null, scheduledFor: null, traceContext: null };
}
