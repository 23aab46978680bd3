/** WAL checkpoints on a worker thread for files the backend opens; none for the application's own db. */
import { statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord } from "@tasks/core/backend";
import { sqliteBackend } from "../src/sqlite/index.js";
import { migratedFile, openDb, tempDir, type TempDir } from "./sqlite-helpers.js";

const now = new Date("2030-01-01T00:00:00Z");
const PAGE = 4096;

function newTasks(count: number): NewTaskRecord[] {
  // ~1 KB of arguments per task, so every commit writes several pages.
  const args = ["x".repeat(1000)];
  return Array.from({ length: count }, () => ({
    id: newTaskId(), taskName: "t", queueName: "default", priority: 0, args, runAfter: null, maxAttempts: 1, identityHash: identityHash("t", args), uniqueKey: null, scheduledFor: null, traceContext: null,
  }));
}

describe("SQLite WAL checkpoints", () => {
  let dir: TempDir;

  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => dir?.remove());

  it("checkpoints a file the backend opened on a thread, long before its own connection would", async () => {
    const file = await migratedFile(dir);
    const migratedSize = statSync(file).size;
    const backend = sqliteBackend({ path: file });
    try {
      for (let i = 0; i < 150; i++) {
        await backend.enqueue({ backend: "ckpt", now, tasks: newTasks(10) });
        // Let the checkpoint thread's messages flow between commits, as they do in a worker.
        await new Promise((resolve) => setImmediate(resolve));
      }
      // The main connection checkpoints only as a backstop, above what was written here...
      expect(backend.db.$client.pragma("wal_autocheckpoint", { simple: true })).toBe(4000);
      expect(statSync(`${file}-wal`).size).toBeLessThan(4000 * PAGE);
      // ...so pages reached the database file only through the thread's checkpoints.
      await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(migratedSize + 256 * PAGE), { timeout: 5000, interval: 20 });
    } finally {
      await backend.close();
    }
  });

  it("checkpoints after one large commit too (a bulk enqueue), not only after many commits", async () => {
    const file = await migratedFile(dir);
    const migratedSize = statSync(file).size;
    const backend = sqliteBackend({ path: file });
    try {
      // One commit of ~1.2 MB: counted by commits alone, it would wait for 31 more.
      await backend.enqueue({ backend: "ckpt", now, tasks: newTasks(1200) });
      await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(migratedSize + 256 * PAGE), { timeout: 5000, interval: 20 });
    } finally {
      await backend.close();
    }
  });

  it("leaves the checkpoint settings of the application's own database alone", async () => {
    const file = await migratedFile(dir);
    const { client, db } = openDb(file);
    const backend = sqliteBackend({ db });
    try {
      await backend.enqueue({ backend: "ckpt", now, tasks: newTasks(10) });
      expect(client.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    } finally {
      await backend.close();
      client.close();
    }
  });
});
