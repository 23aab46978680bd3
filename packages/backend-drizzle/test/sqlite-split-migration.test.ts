/**
 * Migration 0005 on SQLite: a database at 0004 (one tasks_results table) holding tasks in every
 * status is migrated; every row lands in the right table with every column unchanged, the
 * backend reads each, a new worker finishes the live ones, and an insert by the previous
 * version's statement is routed to the queue table and claimed.
 */
import { migrate as drizzleMigrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterEach, describe, expect, it } from "vitest";
import { configureTasks, resetTasksConfiguration, silentLogger, task, unregisterTasks, Worker } from "@tasks/core";
import { newTaskId } from "@tasks/core/backend";
import { migrate, SqliteBackend, sqliteMigrationsFolder } from "../src/sqlite/index.js";
import { firstMigrations, migrationNames } from "./helpers/partial-migrations.js";
import { openDb, useSqliteFiles } from "./sqlite-helpers.js";

const SPLIT = "0005_split_queue_from_results";
const ALL = migrationNames(sqliteMigrationsFolder);
const TASK = "split.task";

/** The enqueue statement of the version before 0005, word for word. */
const OLD_INSERT =
  "INSERT INTO tasks_results (id, backend, task_name, queue_name, priority, args, status, run_after, runnable_at, enqueued_at, " +
  "attempts, max_attempts, worker_ids, errors, identity_hash, unique_key) " +
  "VALUES (?, ?, ?, ?, ?, ?, 'READY', ?, ?, ?, 0, ?, '[]', '[]', ?, ?) ON CONFLICT DO NOTHING";

type Row = Record<string, unknown>;

const files = useSqliteFiles();

afterEach(() => {
  unregisterTasks(TASK);
  resetTasksConfiguration();
});

/** A row as the previous version stored it: `values` replace those of a READY task enqueued a minute ago. */
function oldRow(values: Row): Row {
  const enqueued = Date.now() - 60_000;
  return {
    id: newTaskId(enqueued),
    backend: "default",
    task_name: TASK,
    queue_name: "default",
    priority: 0,
    args: "[1]",
    status: "READY",
    run_after: null,
    runnable_at: enqueued,
    enqueued_at: enqueued,
    started_at: null,
    finished_at: null,
    last_attempted_at: null,
    attempts: 0,
    max_attempts: 1,
    worker_ids: "[]",
    errors: "[]",
    return_value: null,
    lease_expires_at: null,
    identity_hash: "hash",
    unique_key: null,
    ...values,
  };
}

describe(`SQLite migration ${SPLIT}`, () => {
  it("moves live rows to tasks_queue unchanged, keeps finished ones, and new workers finish them and tasks the old version enqueues", async () => {
    const before = ALL.indexOf(SPLIT);
    expect(before, `${SPLIT} is bundled`).toBeGreaterThan(0);
    const file = files.dir().file("split.db");
    const { client, db } = openDb(file);
    drizzleMigrate(db, { migrationsFolder: firstMigrations(sqliteMigrationsFolder, before), migrationsTable: "tasks_migrations" });

    const now = Date.now();
    const error = JSON.stringify([{ className: "Error", message: "boom", stack: "" }]);
    const rows = {
      ready: oldRow({ args: "[1]" }),
      readyUnique: oldRow({ args: "[2]", unique_key: "only-one", priority: 5 }),
      // Claimed by a worker of the old version whose lease runs out half a second from now.
      running: oldRow({
        args: "[3]",
        status: "RUNNING",
        attempts: 1,
        max_attempts: 2,
        worker_ids: '["old-worker"]',
        started_at: now - 1000,
        last_attempted_at: now - 1000,
        lease_expires_at: now + 500,
      }),
      successful: oldRow({ args: "[4]", status: "SUCCESSFUL", attempts: 1, worker_ids: '["w"]', started_at: now - 2000, finished_at: now - 1000, return_value: '{"ok":true}' }),
      failed: oldRow({ args: "[5]", status: "FAILED", attempts: 1, worker_ids: '["w"]', started_at: now - 2000, finished_at: now - 1000, errors: error }),
      cancelled: oldRow({ args: "[6]", status: "CANCELLED", finished_at: now - 1000 }),
    };
    const columns = Object.keys(rows.ready);
    const insert = client.prepare(`INSERT INTO tasks_results (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
    for (const row of Object.values(rows)) insert.run(...columns.map((column) => row[column]));
    const stored = client.prepare("SELECT * FROM tasks_results ORDER BY id").all() as Row[];
    expect(stored).toHaveLength(6);
    client.close();

    const backend = new SqliteBackend({ path: file });
    try {
      // 0005 and every later migration (0006_schedules adds scheduled_for, 0007_trace_context trace_context, NULL on these rows).
      expect(await migrate(backend.db)).toEqual(ALL.slice(before));
      const { $client: sqlite } = backend.db;
      const table = (name: string) => sqlite.prepare(`SELECT * FROM ${name} ORDER BY id`).all() as Row[];
      const byStatus = (statuses: string[]) => stored.filter((row) => statuses.includes(row.status as string)).map((row) => ({ ...row, scheduled_for: null, trace_context: null }));
      // Every column as it was, every row in exactly one table.
      expect(table("tasks_queue")).toEqual(byStatus(["READY", "RUNNING"]));
      expect(table("tasks_results")).toEqual(byStatus(["SUCCESSFUL", "FAILED", "CANCELLED"]));
      expect(await backend.verify()).toEqual({ ok: true });
      for (const [name, row] of Object.entries(rows)) {
        const record = await backend.get({ backend: "default", id: row.id as string });
        expect(record?.status, name).toBe(row.status);
      }
      expect((await backend.get({ backend: "default", id: rows.successful.id as string }))?.returnValue).toEqual({ ok: true });
      expect((await backend.get({ backend: "default", id: rows.failed.id as string }))?.errors).toEqual([{ className: "Error", message: "boom", stack: "" }]);

      // A process of the old version enqueues after the migration: its row goes to the queue.
      const enqueued = Date.now();
      const oldTask = [newTaskId(enqueued), "default", TASK, "default", 0, "[7]", null, enqueued, enqueued, 1, "hash", null];
      expect(sqlite.prepare(OLD_INSERT).run(...oldTask).changes).toBe(1);
      expect(sqlite.prepare("SELECT status FROM tasks_queue WHERE id = ?").get(oldTask[0])).toEqual({ status: "READY" });
      expect(sqlite.prepare("SELECT count(*) AS n FROM tasks_results WHERE id = ?").get(oldTask[0])).toEqual({ n: 0 });
      // Its unique key is checked against the queue: a duplicate of a live key fails, storing nothing.
      const duplicate = [newTaskId(enqueued), "default", TASK, "default", 0, "[8]", null, enqueued, enqueued, 1, "hash", "only-one"];
      expect(() => sqlite.prepare(OLD_INSERT).run(...duplicate)).toThrow(/UNIQUE constraint failed: tasks_queue\.backend, tasks_queue\.unique_key/);
      expect(sqlite.prepare("SELECT (SELECT count(*) FROM tasks_queue) + (SELECT count(*) FROM tasks_results) AS n").get()).toEqual({ n: 7 });

      // A new worker runs the READY rows, the routed one, and the RUNNING one once its lease is out.
      configureTasks({ backends: { default: backend }, logger: silentLogger });
      const ran: number[] = [];
      task({ name: TASK }, (n: number) => {
        ran.push(n);
        return n * 10;
      });
      const summary = await new Worker({ maxTasks: 4, pollIntervalMs: 20, rescueIntervalMs: 50, workerId: "new-worker", logger: silentLogger, durationMs: 20_000 }).run();
      expect(summary.succeeded).toBe(4);
      expect(ran.sort()).toEqual([1, 2, 3, 7]);
      expect(table("tasks_queue")).toEqual([]);
      const finished = table("tasks_results");
      expect(finished.map((row) => row.status).sort()).toEqual(["CANCELLED", "FAILED", "SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"]);
      const rescued = finished.find((row) => row.id === rows.running.id);
      expect(rescued).toMatchObject({ status: "SUCCESSFUL", attempts: 2, worker_ids: '["old-worker","new-worker"]', return_value: "30", lease_expires_at: null });
      expect(JSON.parse(rescued?.errors as string)).toMatchObject([{ className: "WorkerLostError" }]);
      // The finished rows of before are untouched.
      for (const row of [rows.successful, rows.failed, rows.cancelled]) {
        expect(finished.find((found) => found.id === row.id)).toEqual({ ...stored.find((found) => found.id === row.id), scheduled_for: null, trace_context: null });
      }
    } finally {
      await backend.close();
    }
  });
});
