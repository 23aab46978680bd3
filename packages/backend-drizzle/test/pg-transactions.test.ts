/**
 * DESIGN.md §3 against real Postgres: transactional enqueue (commit, rollback, savepoints,
 * invisibility before commit, notification on commit) and what is particular to atomic tasks
 * on Postgres (a Drizzle Postgres transaction; a cancel is not blocked by it). What every
 * backend promises of atomic tasks is in the conformance suite (suites/atomic.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { closeTasks, configureTasks, resetTasksConfiguration, silentLogger, task, unregisterTasks, Worker } from "@tasks/core";
import { identityHash, newTaskId } from "@tasks/core/backend";
import { PostgresBackend } from "../src/pg/index.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();

type Tx = Parameters<Parameters<PostgresJsDatabase["transaction"]>[0]>[0];

describe.skipIf(!available)("Postgres transactions", () => {
  const database = useTestDatabase();
  let backend: PostgresBackend;
  let other: PostgresBackend;

  beforeAll(async () => {
    await database().db.execute(sql`CREATE TABLE app_notes (id serial PRIMARY KEY, note text NOT NULL)`);
    backend = new PostgresBackend({ db: database().db });
    // A second pool, to look at the table from outside the application's transaction.
    other = new PostgresBackend({ url: database().url });
    configureTasks({ backends: { default: { backend, queues: [] } }, logger: silentLogger });
  });
  afterEach(() => unregisterTasks());
  afterAll(async () => {
    resetTasksConfiguration();
    await other?.close();
    await backend?.close();
    await closeTasks();
  });

  async function notes(): Promise<string[]> {
    const rows = await database().client<{ note: string }[]>`SELECT note FROM app_notes ORDER BY id`;
    return rows.map((row) => row.note);
  }

  const claimAll = (queue: string) =>
    other.claim({ backend: "default", now: new Date(), workerId: "peer", queues: { include: [queue], exclude: [] }, limit: 10, leaseMs: 60_000 });

  it("enqueue inside a transaction exists after commit and not after rollback", async () => {
    const send = task({ name: "tx.send", queueName: "tx-commit" }, async (to: string) => to);
    const committed = await database().db.transaction(async (tx) => send.using({ transaction: tx }).enqueue("a@x"));
    expect((await other.get({ backend: "default", id: committed.id }))?.status).toBe("READY");

    let rolledBackId = "";
    await expect(
      database().db.transaction(async (tx) => {
        rolledBackId = (await send.using({ transaction: tx }).enqueue("b@x")).id;
        throw new Error("application rolls back");
      }),
    ).rejects.toThrow("application rolls back");
    expect(rolledBackId).not.toBe("");
    expect(await other.get({ backend: "default", id: rolledBackId })).toBeNull();
  });

  it("a task enqueued in an open transaction is invisible to other connections until commit", async () => {
    const send = task({ name: "tx.invisible", queueName: "tx-invisible" }, async () => null);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let enqueued!: () => void;
    const wasEnqueued = new Promise<void>((resolve) => (enqueued = resolve));
    let id = "";
    const transaction = database().db.transaction(async (tx) => {
      id = (await send.using({ transaction: tx }).enqueue()).id;
      enqueued();
      await released;
    });
    await wasEnqueued;
    expect(await claimAll("tx-invisible")).toEqual([]);
    expect(await other.get({ backend: "default", id })).toBeNull();
    release();
    await transaction;
    expect((await claimAll("tx-invisible")).map((record) => record.id)).toEqual([id]);
  });

  it("a rolled-back savepoint removes its enqueue while the outer transaction commits", async () => {
    const send = task({ name: "tx.savepoint", queueName: "tx-savepoint" }, async (n: number) => n);
    const ids = await database().db.transaction(async (tx) => {
      const outer = await send.using({ transaction: tx }).enqueue(1);
      let inner = "";
      await expect(
        tx.transaction(async (savepoint) => {
          inner = (await send.using({ transaction: savepoint }).enqueue(2)).id;
          throw new Error("savepoint rolls back");
        }),
      ).rejects.toThrow("savepoint rolls back");
      return { outer: outer.id, inner };
    });
    expect((await other.get({ backend: "default", id: ids.outer }))?.status).toBe("READY");
    expect(await other.get({ backend: "default", id: ids.inner })).toBeNull();
  });

  it("notifies listeners only when the enqueuing transaction commits", async () => {
    const heard: string[] = [];
    const waiters: Array<[string, () => void]> = [];
    const unsubscribe = other.onTasksAvailable((queue) => {
      heard.push(queue);
      for (const [wanted, resolve] of waiters) if (wanted === queue) resolve();
    });
    const hear = (queue: string) => new Promise<void>((resolve) => (heard.includes(queue) ? resolve() : waiters.push([queue, resolve])));
    try {
      // LISTEN is set up asynchronously: wait until a plain enqueue is heard.
      const marker = task({ name: "tx.marker", queueName: "tx-marker" }, async () => null);
      const markerHeard = hear("tx-marker");
      let attempts = 0;
      while (!heard.includes("tx-marker")) {
        if (++attempts > 100) throw new Error("LISTEN never heard a notification");
        await marker.enqueue();
        await Promise.race([markerHeard, new Promise((resolve) => setTimeout(resolve, 50))]);
      }
      const send = task({ name: "tx.notify", queueName: "tx-notify" }, async () => null);
      await database().db.transaction(async (tx) => {
        await send.using({ transaction: tx }).enqueue();
        // Notifications arrive in commit order: once this later one is heard, an
        // undelivered earlier one would have been heard too.
        await marker.using({ queueName: "tx-marker-2" }).enqueue();
        await hear("tx-marker-2");
        expect(heard).not.toContain("tx-notify");
      });
      await hear("tx-notify");
      expect(heard).toContain("tx-notify");
    } finally {
      unsubscribe();
    }
  });

  it("rejects a transaction that is not a Drizzle Postgres transaction, naming what to pass", async () => {
    const send = task({ name: "tx.bad" }, async () => null);
    await expect(send.using({ transaction: { query: () => {} } }).enqueue()).rejects.toThrow(/must be a Drizzle Postgres transaction/);
  });

  // What completeAtomically promises on every backend (commit with SUCCESSFUL, rollback on a
  // throw, refused when the claim was lost) is in the conformance suite (suites/atomic.ts).
  describe("atomic tasks on Postgres", () => {
    const runWorker = (queue: string) =>
      new Worker({ queues: [queue], batch: true, concurrency: 1, pollIntervalMs: 20, logger: silentLogger }).run();

    it("the task's transaction is a Drizzle Postgres transaction: application writes through it commit with the task and roll back when it throws", async () => {
      const write = task({ name: "atomic.notes", queueName: "atomic-notes", atomic: true, takesContext: true }, async (context, note: string, fail: boolean) => {
        await (context.transaction as Tx).execute(sql`INSERT INTO app_notes (note) VALUES (${note})`);
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
      expect(await notes()).toContain("committed");
      expect(await notes()).not.toContain("thrown");
    });

    it("a cancel from another connection while the task runs is not blocked by its transaction: the cancel wins and the task's writes roll back", async () => {
      const id = newTaskId();
      await backend.enqueue({
        backend: "default",
        now: new Date(),
        tasks: [{ id, taskName: "atomic.lost", queueName: "atomic-lost", priority: 0, args: [], runAfter: null, maxAttempts: 1, identityHash: identityHash("atomic.lost", []), uniqueKey: null, scheduledFor: null, traceContext: null }],
      });
      const [claimed] = await backend.claim({ backend: "default", now: new Date(), workerId: "w", queues: { include: ["atomic-lost"], exclude: [] }, limit: 1, leaseMs: 60_000 });
      expect(claimed?.id).toBe(id);
      const outcome = await backend.completeAtomically({
        backend: "default",
        id,
        attempt: claimed!.attempts,
        now: () => new Date(),
        run: async (tx) => {
          await (tx as Tx).execute(sql`INSERT INTO app_notes (note) VALUES ('lost')`);
          // Cancelled from another connection while the task is still running.
          expect((await other.cancel({ backend: "default", now: new Date(), id }))?.status).toBe("CANCELLED");
          return "late";
        },
      });
      expect(outcome).toEqual({ applied: false, returnValue: "late" });
      expect(await notes()).not.toContain("lost");
      expect((await backend.get({ backend: "default", id }))?.status).toBe("CANCELLED");
    });
  });
});
