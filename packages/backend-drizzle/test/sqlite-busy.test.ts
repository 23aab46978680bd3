/**
 * Another connection holds the file's write lock for a while: the backend's operations must
 * wait for it without blocking the event loop, then succeed; past `busyRetry.maxWaitMs` they
 * fail with a clear error instead of hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord } from "@tasks/core/backend";
import { isTransientStorageError } from "../src/index.js";
import { SqliteBackend, SqliteBusyError } from "../src/sqlite/index.js";
import { migratedFile, openDb, tempDir, type TempDir } from "./sqlite-helpers.js";

const LOCK_MS = 2_000;

function newTask(): NewTaskRecord {
  return { id: newTaskId(), taskName: "busy", queueName: "default", priority: 0, args: [], runAfter: null, maxAttempts: 1, identityHash: identityHash("busy", []), uniqueKey: null, scheduledFor: null, traceContext: null };
}

/** Takes the write lock on `file` from a second connection and releases it after `ms` (on a timer). */
function holdWriteLock(file: string, ms: number): { released: Promise<void>; isReleased: () => boolean } {
  const { client } = openDb(file);
  client.exec("BEGIN IMMEDIATE");
  let done = false;
  const released = new Promise<void>((resolve) =>
    setTimeout(() => {
      client.exec("COMMIT");
      client.close();
      done = true;
      resolve();
    }, ms),
  );
  return { released, isReleased: () => done };
}

describe("SQLite file locked by another connection", () => {
  let dir: TempDir;
  let file: string;
  let backend: SqliteBackend;

  beforeAll(async () => {
    dir = tempDir();
    file = await migratedFile(dir);
    backend = new SqliteBackend({ path: file });
  });
  afterAll(async () => {
    await backend?.close();
    dir?.remove();
  });

  it("enqueue and claim wait for the lock asynchronously, then succeed", async () => {
    const lock = holdWriteLock(file, LOCK_MS);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    try {
      const task = newTask();
      const enqueued = backend.enqueue({ backend: "busy", now: new Date(), tasks: [task] });
      const claimed = enqueued.then(() =>
        backend.claim({ backend: "busy", now: new Date(), workerId: "w", queues: { include: "*", exclude: [] }, limit: 5, leaseMs: 60_000 }),
      );
      const [outcomes, records] = await Promise.all([enqueued, claimed]);
      // Both finished only after the other connection committed, which its timer could only
      // do because the waiting never blocked the event loop.
      expect(lock.isReleased()).toBe(true);
      expect(outcomes.map((outcome) => outcome.created)).toEqual([true]);
      expect(records.map((record) => [record.id, record.status])).toEqual([[task.id, "RUNNING"]]);
      expect(ticks).toBeGreaterThan(5);
    } finally {
      clearInterval(ticker);
      await lock.released;
    }
  });

  it("reads are not blocked by another connection's open write transaction (WAL)", async () => {
    const task = newTask();
    await backend.enqueue({ backend: "busy-read", now: new Date(), tasks: [task] });
    const lock = holdWriteLock(file, 300);
    try {
      expect((await backend.get({ backend: "busy-read", id: task.id }))?.status).toBe("READY");
      expect(lock.isReleased()).toBe(false);
    } finally {
      await lock.released;
    }
  });

  it("gives up after busyRetry.maxWaitMs with an error that names the lock and the remedy", async () => {
    const impatient = new SqliteBackend({ path: file, busyRetry: { maxWaitMs: 200 } });
    const lock = holdWriteLock(file, 1_000);
    try {
      const error = await impatient.enqueue({ backend: "busy-fail", now: new Date(), tasks: [newTask()] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SqliteBusyError);
      expect((error as SqliteBusyError).code).toMatch(/^SQLITE_BUSY/);
      expect((error as Error).message).toMatch(/stayed locked by another connection .* raise busyRetry\.maxWaitMs/);
      expect(isTransientStorageError(error)).toBe(true);
      expect(lock.isReleased()).toBe(false);
    } finally {
      await lock.released;
      await impatient.close();
    }
    // Nothing was left half-written: the alias is empty.
    const health = await backend.health({ backend: "busy-fail", now: new Date(), recentFailures: 0 });
    expect(health.queues).toEqual({});
  });
});
