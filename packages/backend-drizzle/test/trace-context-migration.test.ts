/**
 * Migration 0007_trace_context on Postgres and SQLite, over a database at 0006 that holds rows:
 * every row stays as it was, with trace_context NULL; the replaced routing trigger of 0005 carries
 * trace_context from a live row inserted into tasks_results (as the version before 0005 wrote
 * them) to tasks_queue; and traced tasks run through the backend afterwards.
 */
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as pgMigrate } from "drizzle-orm/postgres-js/migrator";
import { migrate as sqliteMigrate } from "drizzle-orm/better-sqlite3/migrator";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord, type TaskBackend } from "@tasks/core/backend";
import { PostgresBackend, pgMigrationsFolder } from "../src/pg/index.js";
import { sqliteMigrationsFolder } from "../src/sqlite/index.js";
import { useEmptyDatabases } from "./helpers/empty-databases.js";
import { firstMigrations, migrationNames } from "./helpers/partial-migrations.js";
import { databaseUrl, postgresAvailable } from "./helpers/pg.js";
import { openDb, useSqliteFiles } from "./sqlite-helpers.js";

const available = await postgresAvailable();
const TAG = "0007_trace_context";
const TRACED = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "vendor=x" };
const TRACED_JSON = JSON.stringify(TRACED);

function tracedTask(): NewTaskRecord {
  return { id: newTaskId(), taskName: "traced", queueName: "default", priority: 0, args: [], runAfter: null, maxAttempts: 1, identityHash: identityHash("traced", []), uniqueKey: null, scheduledFor: null, traceContext: TRACED };
}

/** Claims `id` (the only READY task of alias "m"), completes it, and checks its trace context on the way. */
async function runOne(backend: TaskBackend, id: string, traceContext: Readonly<Record<string, string>> | null, now: Date): Promise<void> {
  const [claimed] = await backend.claim({ backend: "m", now, workerId: "w", queues: { include: "*", exclude: [] }, limit: 1, leaseMs: 60_000 });
  expect(claimed).toMatchObject({ id, traceContext });
  expect(await backend.complete({ backend: "m", now, completions: [{ id, attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: 1 } }] })).toEqual({ applied: [id] });
  expect(await backend.get({ backend: "m", id })).toMatchObject({ status: "SUCCESSFUL", traceContext });
}

describe.skipIf(!available)(`Postgres migration ${TAG}`, () => {
  const databases = useEmptyDatabases("tasks_pg_trace");

  it("keeps every row of both task tables, with trace_context NULL; the routing trigger carries trace_context; traced tasks run", async () => {
    const all = migrationNames(pgMigrationsFolder);
    const index = all.indexOf(TAG);
    expect(index).toBeGreaterThan(0);
    const url = databaseUrl(await databases.create());
    const client = postgres(url, { max: 1, onnotice: () => {} });
    const backend = new PostgresBackend({ url, listen: false });
    try {
      await pgMigrate(drizzle({ client }), { migrationsFolder: firstMigrations(pgMigrationsFolder, index), migrationsTable: "tasks_migrations", migrationsSchema: "drizzle" });
      const [ready, done] = [newTaskId(), newTaskId()];
      const columns = "id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at, finished_at, attempts, max_attempts, worker_ids, return_value, identity_hash, scheduled_for";
      await client.unsafe(`INSERT INTO tasks_queue (${columns}) VALUES ($1, 'm', 'old', 'default', 0, '[1]', 'READY', now() - interval '1 hour', now(), NULL, 0, 1, '[]', NULL, 'h', now())`, [ready]);
      await client.unsafe(`INSERT INTO tasks_results (${columns}) VALUES ($1, 'm', 'old', 'default', 0, '[2]', 'SUCCESSFUL', now(), now(), now(), 1, 1, '["w"]', '"ok"', 'h', NULL)`, [done]);
      const rows = () => Promise.all(["tasks_queue", "tasks_results"].map((table) => client.unsafe<Record<string, unknown>[]>(`SELECT to_jsonb(t) AS row FROM ${table} AS t`)));
      const before = await rows();

      expect(await backend.pendingMigrations()).toEqual(all.slice(index));
      expect(await backend.verify()).toMatchObject({ ok: false, problem: "schema-outdated" });
      expect(await backend.migrate()).toEqual(all.slice(index));
      expect(await backend.verify()).toEqual({ ok: true });
      expect(await rows()).toEqual(before.map((table) => table.map(({ row }) => ({ row: { ...(row as object), trace_context: null } }))));
      expect(await backend.get({ backend: "m", id: done })).toMatchObject({ status: "SUCCESSFUL", returnValue: "ok", traceContext: null });
      await runOne(backend, ready, null, new Date(Date.now() + 1_000));

      const routed = newTaskId();
      await client.unsafe(
        `INSERT INTO tasks_results (id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at, attempts, max_attempts, worker_ids, errors, identity_hash, trace_context)
          VALUES ($1, 'm', 'old', 'default', 0, '[]', 'READY', now() - interval '1 hour', now(), 0, 1, '[]', '[]', 'h', $2::jsonb)`,
        [routed, TRACED_JSON],
      );
      const [moved] = await client.unsafe<{ trace_context: unknown }[]>("SELECT trace_context FROM tasks_queue WHERE id = $1", [routed]);
      expect(moved?.trace_context).toEqual(TRACED);
      await runOne(backend, routed, TRACED, new Date(Date.now() + 1_000));

      const task = tracedTask();
      await backend.enqueue({ backend: "m", now: new Date(Date.now() - 1_000), tasks: [task] });
      await runOne(backend, task.id, TRACED, new Date(Date.now() + 1_000));
    } finally {
      await backend.close();
      await client.end({ timeout: 1 });
    }
  });
});

describe(`SQLite migration ${TAG}`, () => {
  const files = useSqliteFiles();

  it("keeps every row of both task tables, with trace_context NULL; the routing trigger carries trace_context; traced tasks run", async () => {
    const all = migrationNames(sqliteMigrationsFolder);
    const index = all.indexOf(TAG);
    expect(index).toBeGreaterThan(0);
    const file = files.dir().file("at-0006.db");
    const { client, db } = openDb(file);
    sqliteMigrate(db, { migrationsFolder: firstMigrations(sqliteMigrationsFolder, index), migrationsTable: "tasks_migrations" });
    const columns = "id, backend, task_name, queue_name, priority, args, status, run_after, runnable_at, enqueued_at, finished_at, attempts, max_attempts, worker_ids, errors, return_value, identity_hash, scheduled_for";
    const [ready, done] = [newTaskId(), newTaskId()];
    client.prepare(`INSERT INTO tasks_queue (${columns}) VALUES (?, 'm', 'old', 'default', 0, '[1]', 'READY', NULL, 1000, 1000, NULL, 0, 1, '[]', '[]', NULL, 'h', 900)`).run(ready);
    client.prepare(`INSERT INTO tasks_results (${columns}) VALUES (?, 'm', 'old', 'default', 0, '[2]', 'SUCCESSFUL', NULL, 1000, 1000, 2000, 1, 1, '["w"]', '[]', '"ok"', 'h', NULL)`).run(done);
    const before = ["tasks_queue", "tasks_results"].map((table) => client.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]);
    client.close();

    const backend = files.open(file);
    expect(await backend.pendingMigrations()).toEqual(all.slice(index));
    expect(await backend.migrate()).toEqual(all.slice(index));
    const sqlite = backend.db.$client;
    expect(["tasks_queue", "tasks_results"].map((table) => sqlite.prepare(`SELECT * FROM ${table}`).all())).toEqual(before.map((rows) => rows.map((row) => ({ ...row, trace_context: null }))));
    expect(await backend.verify()).toEqual({ ok: true });
    expect(await backend.get({ backend: "m", id: done })).toMatchObject({ status: "SUCCESSFUL", returnValue: "ok", traceContext: null });
    await runOne(backend, ready, null, new Date(5000));

    const routed = newTaskId();
    sqlite
      .prepare(
        "INSERT INTO tasks_results (id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at, attempts, max_attempts, worker_ids, errors, identity_hash, trace_context) " +
          "VALUES (?, 'm', 'old', 'default', 0, '[]', 'READY', 1000, 1000, 0, 1, '[]', '[]', 'h', ?)",
      )
      .run(routed, TRACED_JSON);
    expect(sqlite.prepare("SELECT trace_context FROM tasks_queue WHERE id = ?").get(routed)).toEqual({ trace_context: TRACED_JSON });
    await runOne(backend, routed, TRACED, new Date(6000));

    const task = tracedTask();
    await backend.enqueue({ backend: "m", now: new Date(7000), tasks: [task] });
    expect(sqlite.prepare("SELECT trace_context FROM tasks_queue WHERE id = ?").get(task.id)).toEqual({ trace_context: TRACED_JSON });
    await runOne(backend, task.id, TRACED, new Date(8000));
  });
});
