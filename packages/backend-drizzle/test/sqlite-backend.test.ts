/** SQLite specifics: options, the query plans of claim, prune and rescue, moves to the results table, storage format, migrations, close. */
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord } from "@tasks/core/backend";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { migrate, SqliteBackend, sqliteBackend, sqliteMigrationsFolder } from "../src/sqlite/index.js";
import { migratedFile, openDb, tempDir, type TempDir } from "./sqlite-helpers.js";

function newTask(overrides: Partial<NewTaskRecord> = {}): NewTaskRecord {
  return { id: newTaskId(), taskName: "t", queueName: "default", priority: 0, args: [], runAfter: null, maxAttempts: 1, identityHash: identityHash("t", []), uniqueKey: null, scheduledFor: null, traceContext: null, ...overrides };
}

const now = new Date("2030-01-01T00:00:00Z");


/** A backend on `file` whose Drizzle statements are logged with their parameters. */
function loggingBackend(file: string): { client: Database.Database; logged: { sql: string; params: unknown[] }[]; backend: SqliteBackend } {
  const { client } = openDb(file);
  const logged: { sql: string; params: unknown[] }[] = [];
  const db = drizzle({ client, logger: { logQuery: (sql, params) => void logged.push({ sql, params }) } });
  return { client, logged, backend: new SqliteBackend({ db }) };
}
describe("SQLite backend specifics", () => {
  let dir: TempDir;
  let file: string;

  beforeAll(async () => {
    dir = tempDir();
    file = await migratedFile(dir);
  });
  afterAll(() => dir?.remove());

  it("rejects options it cannot use with full sentences", () => {
    expect(() => sqliteBackend({} as never)).toThrow(/needs one of "db", "path"/);
    expect(() => sqliteBackend({ db: {} } as never)).toThrow(/must be a Drizzle SQLite database from drizzle-orm\/better-sqlite3/);
    expect(() => sqliteBackend({ path: file, paht: "x" } as never)).toThrow(/does not know the option "paht"/);
    expect(() => sqliteBackend({ path: file, busyTimeoutMs: -1 })).toThrow(/"busyTimeoutMs" must be a whole number of milliseconds/);
    expect(() => sqliteBackend({ path: file, busyRetry: { maxWait: 5 } as never })).toThrow(/"busyRetry" does not know "maxWait"/);
  });

  it("claims through the partial READY index and then by rowid, never scanning the table, with and without task names", async () => {
    const { client, db } = openDb(file);
    // The claim is a prepared better-sqlite3 statement: record the SQL the backend prepares.
    const prepared: string[] = [];
    const allPrepared = new Set<string>();
    const prepare = client.prepare.bind(client);
    client.prepare = ((source: string) => {
      prepared.push(source);
      allPrepared.add(source);
      return prepare(source);
    }) as typeof client.prepare;
    // The plan does not depend on the bound values, only on the statement's text.
    const planOf = (source: string) =>
      prepare(`EXPLAIN QUERY PLAN ${source}`)
        .all(...Array.from(source.matchAll(/\?/g), () => null))
        .map((row) => (row as { detail: string }).detail)
        .join("\n");
    const backend = new SqliteBackend({ db });
    try {
      await backend.enqueue({ backend: "plan", now, tasks: [...Array.from({ length: 10 }, () => newTask()), newTask({ queueName: "other" })] });
      // Past 200 names the claim sends them as one JSON array instead of one value each.
      const manyNames = ["t", "u", ...Array.from({ length: 199 }, (_, i) => `name-${i}`)];
      for (const include of [["default"], "*", ["default", "other"]] as const) for (const taskNames of [undefined, ["t", "u"], manyNames]) {
        prepared.length = 0;
        const names = taskNames ? { taskNames } : {};
        const claimed = await backend.claim({ backend: "plan", now, workerId: "w", queues: { include, exclude: [] }, limit: 1, leaseMs: 1000, ...names });
        expect(claimed).toHaveLength(1);
        // The claim picks the rowids of the queue's head, then marks those rows RUNNING.
        const pick = prepared.find((source) => source.startsWith("SELECT rowid FROM tasks_queue WHERE"));
        expect(pick, `no claim pick prepared for ${String(include)} ${String(taskNames)}`).toBeDefined();
        if (taskNames === manyNames) expect(pick).toContain("task_name IN (SELECT value FROM json_each(?))");
        else if (taskNames) expect(pick).toContain("task_name IN (?, ?)");
        expect(planOf(pick!)).toMatch(/USING (COVERING )?INDEX tasks_queue_claim(_any_queue)?_idx/);
        expect(planOf(pick!)).not.toMatch(/SCAN tasks_queue/);
      }
      // Prepared on the first claim: the take, by rowid.
      const take = [...allPrepared].find((source) => source.startsWith("UPDATE tasks_queue SET status = 'RUNNING'"));
      expect(take, "no claim UPDATE prepared").toBeDefined();
      expect(planOf(take!)).toMatch(/USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(planOf(take!)).not.toMatch(/SCAN tasks_queue/);
      // A completion moves its rows: each listed row looked up by primary key, then deleted by it.
      const [claimed] = await backend.claim({ backend: "plan", now, workerId: "w", queues: { include: "*", exclude: [] }, limit: 1, leaseMs: 1000 });
      await backend.complete({ backend: "plan", now, completions: [{ id: claimed!.id, attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: 1 } }] });
      const finish = [...allPrepared].find((source) => source.startsWith("INSERT INTO tasks_results"));
      const remove = [...allPrepared].find((source) => source.startsWith("DELETE FROM tasks_queue"));
      expect(planOf(finish!)).toMatch(/SEARCH q USING INDEX sqlite_autoindex_tasks_queue_1 \(id=\?\)/);
      expect(planOf(finish!)).not.toMatch(/SCAN (tasks_queue|q)\b/);
      expect(planOf(remove!)).toMatch(/SEARCH tasks_queue USING INDEX sqlite_autoindex_tasks_queue_1 \(id=\?\)/);
    } finally {
      await backend.close();
      client.close();
    }
  });

  it("claims more rows at once than one take statement lists (1,500), each once and in claim order", async () => {
    const backend = sqliteBackend({ path: file });
    try {
      const tasks = Array.from({ length: 1500 }, (_, i) => newTask({ priority: i % 3, args: [i] }));
      await backend.enqueue({ backend: "big-claim", now, tasks });
      const queues = { include: "*" as const, exclude: [] };
      const claimed = await backend.claim({ backend: "big-claim", now, workerId: "w", queues, limit: 1499, leaseMs: 60_000 });
      expect(claimed).toHaveLength(1499);
      expect(new Set(claimed.map((record) => record.id)).size).toBe(1499);
      const expected = [...tasks].sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id)).map((task) => task.id);
      expect(claimed.map((record) => record.id)).toEqual(expected.slice(0, 1499));
      expect(claimed.every((record) => record.status === "RUNNING" && record.workerIds.join() === "w" && record.attempts === 1)).toBe(true);
      const [last] = await backend.claim({ backend: "big-claim", now, workerId: "w", queues, limit: 10, leaseMs: 60_000 });
      expect(last?.id).toBe(expected[1499]);
      // One call completes them all, in more than one statement of at most 1,024 rows.
      const completions = [...claimed, last!].map((record) => ({ id: record.id, attempt: 1, outcome: { status: "SUCCESSFUL" as const, returnValue: record.args } }));
      expect((await backend.complete({ backend: "big-claim", now, completions })).applied).toEqual(completions.map(({ id }) => id));
      const places = backend.db.$client
        .prepare("SELECT (SELECT count(*) FROM tasks_queue WHERE backend = 'big-claim') AS live, (SELECT count(*) FROM tasks_results WHERE backend = 'big-claim' AND status = 'SUCCESSFUL') AS done")
        .get();
      expect(places).toEqual({ live: 0, done: 1500 });
      expect((await backend.get({ backend: "big-claim", id: last!.id }))?.returnValue).toEqual(last!.args);
    } finally {
      await backend.close();
    }
  });

  it("completes mixed outcomes in call order: a task listed twice is completed once, a stale attempt not at all", async () => {
    const backend = sqliteBackend({ path: file });
    try {
      const alias = "mixed-completions";
      const tasks = Array.from({ length: 5 }, (_, i) => newTask({ args: [i], maxAttempts: 2 }));
      await backend.enqueue({ backend: alias, now, tasks });
      const claimed = await backend.claim({ backend: alias, now, workerId: "w", queues: { include: "*", exclude: [] }, limit: 5, leaseMs: 60_000 });
      const [a, b, c, d, e] = claimed.map((record) => record.id) as [string, string, string, string, string];
      const error = { className: "Error", message: "no", stack: "" };
      const { applied } = await backend.complete({
        backend: alias,
        now,
        completions: [
          { id: a, attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: "first" } },
          { id: b, attempt: 1, outcome: { status: "FAILED", error } },
          { id: c, attempt: 1, outcome: { status: "READY", error, runAfter: now } },
          { id: a, attempt: 1, outcome: { status: "FAILED", error } },
          { id: c, attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: "too late" } },
          { id: d, attempt: 2, outcome: { status: "SUCCESSFUL", returnValue: "stale" } },
          { id: e, attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: null } },
        ],
      });
      expect(applied).toEqual([a, b, c, e]);
      const status = async (id: string) => (await backend.get({ backend: alias, id }))?.status;
      expect([await status(a), await status(b), await status(c), await status(d), await status(e)]).toEqual(["SUCCESSFUL", "FAILED", "READY", "RUNNING", "SUCCESSFUL"]);
      expect((await backend.get({ backend: alias, id: a }))?.returnValue).toBe("first");
      expect((await backend.get({ backend: alias, id: b }))?.errors).toEqual([error]);
    } finally {
      await backend.close();
    }
  });

  it("prunes and lists recent failures through the finished index, and rescues through the lease index, never scanning a table", async () => {
    const { client, logged, backend } = loggingBackend(file);
    try {
      const later = new Date(now.getTime() + 60_000);
      await backend.prune({ backend: "plan-finished", finishedBefore: later, failedBefore: later, limit: 10, dryRun: false });
      await backend.prune({ backend: "plan-finished", finishedBefore: later, failedBefore: later, limit: 10, dryRun: true });
      await backend.health({ backend: "plan-finished", now, recentFailures: 5 });
      await backend.rescueExpired({ backend: "plan-finished", now, limit: 10, error: { className: "E", message: "m", stack: "" } });
      const planOf = ({ sql, params }: { sql: string; params: unknown[] }) =>
        client
          .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params)
          .map((row) => row.detail)
          .join("\n");
      // Each delete carries its chunk's select as a subquery, so its plan shows that read too.
      // (health's counts by queue and status read every row by nature, and are left out)
      const finished = logged.filter(({ sql }) => sql.includes('"tasks_results"') && !sql.startsWith("update") && !sql.includes("group by"));
      // Two chunks (successes, then failures), two dry-run counts, the recent failures.
      expect(finished.map(({ sql }) => sql.split(" ")[0])).toEqual(["delete", "delete", "select", "select", "select"]);
      for (const statement of finished) {
        expect(planOf(statement), statement.sql).toMatch(/USING (COVERING )?INDEX tasks_results_finished_idx/);
        expect(planOf(statement), statement.sql).not.toMatch(/SCAN tasks_results\b/);
      }
      const rescue = logged.find(({ sql }) => sql.startsWith("update") && sql.includes("lease_expires_at"));
      expect(rescue, "no rescue UPDATE was logged").toBeDefined();
      expect(planOf(rescue!)).toMatch(/USING (COVERING )?INDEX tasks_queue_lease_idx/);
      expect(planOf(rescue!)).not.toMatch(/SCAN tasks_queue\b/);
    } finally {
      await backend.close();
      client.close();
    }
  });

  it("prunes each finished row by its own finish time, whatever its id says", async () => {
    const backend = sqliteBackend({ path: file });
    try {
      const alias = "prune-range";
      const enqueued = new Date(now.getTime() - 10_000);
      // Ids stamped later than every finish: newTaskId never goes back within a process, so a
      // task's id can be later than its finish (a clock that stepped back); prune must not care.
      const tasks = Array.from({ length: 3 }, () => newTask({ id: newTaskId(now.getTime() + 3_600_000) }));
      await backend.enqueue({ backend: alias, now: enqueued, tasks });
      const queues = { include: "*" as const, exclude: [] };
      const claimed = await backend.claim({ backend: alias, now: enqueued, workerId: "w", queues, limit: 3, leaseMs: 60_000 });
      // Finished before, at and after the threshold.
      for (const [index, record] of claimed.entries()) {
        const at = new Date(now.getTime() + (index - 1) * 1000);
        await backend.complete({ backend: alias, now: at, completions: [{ id: record.id, attempt: record.attempts, outcome: { status: "SUCCESSFUL", returnValue: null } }] });
      }
      const params = { backend: alias, finishedBefore: now, failedBefore: now, limit: 10 };
      expect(await backend.prune({ ...params, dryRun: true })).toBe(1);
      expect(await backend.prune({ ...params, dryRun: false })).toBe(1);
      expect(await backend.get({ backend: alias, id: claimed[0]!.id })).toBeNull();
      for (const record of claimed.slice(1)) expect((await backend.get({ backend: alias, id: record.id }))?.status).toBe("SUCCESSFUL");
    } finally {
      await backend.close();
    }
  });

  it("deschedules READY rows of one identity by moving them to the results table", async () => {
    const backend = sqliteBackend({ path: file });
    try {
      const alias = "deschedule-move";
      const args = [{ user: 7 }];
      const hash = identityHash("t", args);
      const [ready, running, other] = [newTask({ args, identityHash: hash }), newTask({ args, identityHash: hash }), newTask()];
      await backend.enqueue({ backend: alias, now, tasks: [running!, ready!, other!] });
      await backend.claim({ backend: alias, now, workerId: "w", queues: { include: "*", exclude: [] }, ids: [running!.id], limit: 1, leaseMs: 60_000 });
      expect(await backend.deschedule({ backend: alias, now, taskName: "t", identityHash: hash })).toBe(1);
      const where = (id: string) =>
        backend.db.$client.prepare<[string, string], { live: number; finished: string | null }>(
          "SELECT (SELECT count(*) FROM tasks_queue WHERE id = ?) AS live, (SELECT status FROM tasks_results WHERE id = ?) AS finished",
        );
      const placeOf = (id: string) => where(id).get(id, id);
      expect(placeOf(ready!.id)).toEqual({ live: 0, finished: "CANCELLED" });
      expect(placeOf(running!.id)).toEqual({ live: 1, finished: null });
      expect(placeOf(other!.id)).toEqual({ live: 1, finished: null });
      expect(await backend.get({ backend: alias, id: ready!.id })).toMatchObject({ status: "CANCELLED", finishedAt: now });
    } finally {
      await backend.close();
    }
  });

  it("refuses to write into a transaction it did not start on the application's connection", async () => {
    const { client, db } = openDb(file);
    const backend = sqliteBackend({ db });
    try {
      client.exec("BEGIN");
      await expect(backend.enqueue({ backend: "open-tx", now, tasks: [newTask()] })).rejects.toThrow(/has a transaction open that the backend did not start/);
      client.exec("ROLLBACK");
      const [outcome] = await backend.enqueue({ backend: "open-tx", now, tasks: [newTask()] });
      expect(outcome?.created).toBe(true);
    } finally {
      await backend.close();
      client.close();
    }
  });

  it("stores timestamps as integer milliseconds and JSON as text, and reads them back", async () => {
    const backend = sqliteBackend({ path: file });
    try {
      const runAfter = new Date(now.getTime() + 1234);
      const task = newTask({ args: [{ nested: ["a", 1, null, true] }], runAfter });
      await backend.enqueue({ backend: "format", now, tasks: [task] });
      const raw = backend.db.$client.prepare("SELECT args, run_after, runnable_at, enqueued_at, worker_ids FROM tasks_queue WHERE id = ?").get(task.id);
      expect(raw).toEqual({ args: '[{"nested":["a",1,null,true]}]', run_after: runAfter.getTime(), runnable_at: runAfter.getTime(), enqueued_at: now.getTime(), worker_ids: "[]" });
      expect(await backend.get({ backend: "format", id: task.id })).toMatchObject({ args: [{ nested: ["a", 1, null, true] }], runAfter, enqueuedAt: now, returnValue: null });
    } finally {
      await backend.close();
    }
  });

  it("migrate is idempotent and keeps its bookkeeping apart from the application's drizzle migrations", async () => {
    const { client, db } = openDb(dir.file("migrate.sqlite"));
    try {
      await migrate(db);
      await migrate(db);
      const tables = client.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((row) => row.name);
      expect(tables).toEqual(expect.arrayContaining(["tasks_migrations", "tasks_queue", "tasks_results", "tasks_schedules", "tasks_workers"]));
      expect(tables).not.toContain("__drizzle_migrations");
      const bundled = readMigrationFiles({ migrationsFolder: sqliteMigrationsFolder }).length;
      expect(bundled).toBeGreaterThan(1);
      expect(client.prepare<[], { n: number }>("SELECT count(*) AS n FROM tasks_migrations").get()?.n).toBe(bundled);
    } finally {
      client.close();
    }
  });

  it("closes the connection it opened, never the application's", async () => {
    const own = sqliteBackend({ path: file });
    const ownClient = own.db.$client;
    await own.close();
    expect(ownClient.open).toBe(false);
    await expect(own.get({ backend: "x", id: "y" })).rejects.toThrow(/was closed; create a new one/);

    const { client, db } = openDb(file);
    const borrowed = sqliteBackend({ db });
    await borrowed.close();
    expect(client.open).toBe(true);
    client.close();
  });

  it("refuses atomic tasks on an in-memory database, explaining why", async () => {
    const client = new Database(":memory:");
    const db = drizzle({ client });
    await migrate(db);
    const backend = sqliteBackend({ db });
    try {
      const task = newTask();
      await backend.enqueue({ backend: "mem", now, tasks: [task] });
      const [claimed] = await backend.claim({ backend: "mem", now, workerId: "w", queues: { include: "*", exclude: [] }, limit: 1, leaseMs: 1000 });
      await expect(
        backend.completeAtomically({ backend: "mem", id: task.id, attempt: claimed!.attempts, now: () => now, run: async () => null }),
      ).rejects.toThrow(/Atomic tasks on SQLite need a database file/);
    } finally {
      await backend.close();
      client.close();
    }
  });
});
