/**
 * Migration 0005_split_queue_from_results on a database at the previous schema (0000–0004)
 * that holds tasks in every status, applied while a worker of the previous version keeps
 * enqueueing, claiming, completing and renewing leases with its own statements
 * (fixtures/pg-before-split.ts). Every row ends in exactly one table, unchanged; the old
 * worker's statements wait for the migration and then go on, and what it enqueues afterwards
 * lands in the queue table; then the new backend and the core worker run the migrated tasks.
 */
import { randomUUID } from "node:crypto";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as drizzleMigrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { configureTasks, resetTasksConfiguration, silentLogger, task, unregisterTasks, Worker } from "@tasks/core";
import { migrate, PostgresBackend, pgMigrationsFolder } from "../src/pg/index.js";
import { OldProcess, type OldLease, type OldNewTask } from "./fixtures/pg-before-split.js";
import { useEmptyDatabases } from "./helpers/empty-databases.js";
import { firstMigrations, migrationNames } from "./helpers/partial-migrations.js";
import { databaseUrl, postgresAvailable } from "./helpers/pg.js";

const available = await postgresAvailable();

const BACKEND = "default";
const LOOP_QUEUE = "old-loop";
const OLD_WORKER = "old-worker";
const LOOP_LEASE_MS = 30_000;
const ROUNDS_AFTER_MIGRATION = 3;

type Row = Record<string, unknown>;
type Phase = "before" | "after";

let serial = 0;

/** A new task as the old enqueue made it; `sum` tasks add their two arguments when the new worker runs them. */
function newTask(overrides: Partial<OldNewTask> = {}): OldNewTask {
  serial += 1;
  return {
    id: randomUUID(),
    taskName: "split.add",
    queueName: "default",
    priority: 0,
    args: [serial, 100],
    runAfter: null,
    maxAttempts: 1,
    identityHash: `hash-${serial}`,
    uniqueKey: null,
    ...overrides,
  };
}

function loopTask(overrides: Partial<OldNewTask> = {}): OldNewTask {
  return newTask({ taskName: "split.loop", queueName: LOOP_QUEUE, ...overrides });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await sleep(5);
  }
}

async function backendPid(client: postgres.Sql): Promise<number> {
  const [row] = await client<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  return row!.pid;
}

/** Every task row of `table`, whole (as jsonb, so both tables' rows compare column by column), by id. */
async function rowsOf(client: postgres.Sql, table: "tasks_results" | "tasks_queue"): Promise<Map<string, Row>> {
  const rows = await client.unsafe<{ id: string; row: Row }[]>(`SELECT id::text AS id, to_jsonb(t) AS row FROM ${table} AS t`);
  return new Map(rows.map(({ id, row }) => [id, row]));
}

/**
 * A worker of the previous version on a connection of its own: each round enqueues (plain,
 * shared-column and unique inserts), claims from its queue, renews its leases and completes
 * what it claimed the round before, as the old code did. A completion or renewal that writes
 * fewer rows than sent is a lost claim (the old worker drops those tasks); any error is recorded.
 */
class OldWorkerLoop {
  readonly enqueued = new Map<string, Phase>();
  readonly errors: string[] = [];
  readonly lostLeases: string[] = [];
  readonly lostCompletions: string[] = [];
  claimedAfter = 0;
  rounds = 0;
  /** Set once the migration waits for its lock: every statement issued from then on runs after it commits. */
  phase: Phase = "before";
  #held: OldLease[] = [];
  #stopping = false;
  readonly #done: Promise<void>;

  constructor(readonly old: OldProcess) {
    this.#done = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#done;
  }

  async #step<T>(name: string, run: (phase: Phase) => Promise<T>): Promise<T | null> {
    const phase = this.phase;
    try {
      return await run(phase);
    } catch (error) {
      this.errors.push(`${name} (issued ${phase} the migration): ${String(error)}`);
      return null;
    }
  }

  async #enqueue(name: string, tasks: OldNewTask[]): Promise<void> {
    await this.#step(name, async (phase) => {
      const inserted = await this.old.insert(new Date(), tasks, [LOOP_QUEUE]);
      const missing = tasks.filter((task) => inserted !== "all" && !inserted.has(task.id));
      if (missing.length > 0) throw new Error(`the insert reported ${missing.length} of ${tasks.length} task(s) as not inserted`);
      for (const task of tasks) this.enqueued.set(task.id, phase);
    });
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      await this.#enqueue("plain insert", [loopTask({ priority: 1 }), loopTask({ priority: 2 })]);
      await this.#enqueue("shared insert", [loopTask(), loopTask()]);
      await this.#enqueue("unique insert", [loopTask({ uniqueKey: `loop-${randomUUID()}` })]);
      const claimed =
        (await this.#step("claim", async (phase) => {
          const leases = await this.old.claim(new Date(), LOOP_QUEUE, 3, OLD_WORKER, LOOP_LEASE_MS);
          if (phase === "after") this.claimedAfter += leases.length;
          return leases;
        })) ?? [];
      // Tasks run for a round before they complete, so the worker always holds claims when the migration runs.
      const kept = await this.#step("heartbeat", () => this.old.heartbeat(new Date(), OLD_WORKER, LOOP_LEASE_MS, [...this.#held, ...claimed]));
      const isKept = (lease: OldLease) => kept?.includes(lease.id) ?? true;
      this.lostLeases.push(...[...this.#held, ...claimed].filter((lease) => !isKept(lease)).map((lease) => lease.id));
      const finishing = this.#held.filter(isKept);
      this.#held = claimed.filter(isKept);
      const outcomes = finishing.map((lease) => ({ ...lease, outcome: { status: "SUCCESSFUL" as const, returnValue: { old: true } } }));
      const written = await this.#step("completion", () => this.old.complete(new Date(), outcomes));
      if (written) this.lostCompletions.push(...finishing.filter((lease) => !written.includes(lease.id)).map((lease) => lease.id));
      this.rounds += 1;
      await sleep(2);
    }
  }
}

/** The fixture's tasks by role; filled by the first test, run by the last. */
interface Fixture {
  readonly url: string;
  readonly before: Map<string, Row>;
  readonly ready: OldNewTask[];
  readonly deferred: OldNewTask;
  readonly retried: OldNewTask;
  readonly running: OldNewTask;
  readonly expired: OldNewTask;
  readonly finished: OldNewTask[];
  readonly afterMigration: string[];
}

/** Fills a database at the old schema, through the old statements, with tasks in every status. */
async function fillOldDatabase(old: OldProcess): Promise<Omit<Fixture, "url" | "before" | "afterMigration">> {
  const now = new Date();
  const ready = [newTask({ priority: 50 }), newTask(), newTask({ priority: -20, maxAttempts: 2 })];
  const unique = newTask({ uniqueKey: "split-unique", priority: 5 });
  const deferred = newTask({ runAfter: new Date(now.getTime() + 3_600_000) });
  const retried = newTask({ maxAttempts: 3 });
  const running = newTask({ maxAttempts: 2 });
  const [succeeded, failed, cancelled] = [newTask(), newTask(), newTask()];
  await old.insert(now, [...ready, deferred, retried, running, succeeded, failed, cancelled], ["default"]);
  expect(await old.insert(now, [unique], ["default"])).toEqual(new Set([unique.id]));

  const past = new Date(now.getTime() - 120_000);
  const expired = newTask({ maxAttempts: 3 });
  await old.insert(past, [expired]);
  // Claimed two minutes ago with a one-second lease: its worker is gone.
  expect(await old.claim(past, "default", 1, "old-worker-gone", 1_000, [expired.id])).toHaveLength(1);

  const claimed = await old.claim(now, "default", 4, OLD_WORKER, 600_000, [retried.id, running.id, succeeded.id, failed.id]);
  expect(claimed.map((lease) => lease.id).sort()).toEqual([retried.id, running.id, succeeded.id, failed.id].sort());
  const error = (message: string) => ({ className: "Error", message, stack: `Error: ${message}\n    at old (old.js:1:1)` });
  await old.complete(now, [{ id: succeeded.id, attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: { sum: 42, parts: [40, 2] } } }]);
  await old.complete(now, [
    { id: failed.id, attempt: 1, outcome: { status: "FAILED", error: error("failed for good") } },
    { id: retried.id, attempt: 1, outcome: { status: "READY", error: error("failed once"), runAfter: new Date(now.getTime() - 1_000) } },
  ]);
  expect(await old.heartbeat(now, OLD_WORKER, 600_000, [{ id: running.id, attempt: 1 }])).toEqual([running.id]);
  expect(await old.cancel(now, cancelled.id)).toBe(true);
  return { ready: [...ready, unique], deferred, retried, running, expired, finished: [succeeded, failed, cancelled] };
}

describe.skipIf(!available)("Postgres migration 0005_split_queue_from_results with a worker of the previous version running", () => {
  const databases = useEmptyDatabases("tasks_pg_split");
  const clients: postgres.Sql[] = [];
  const open = (url: string) => {
    const client = postgres(url, { max: 1, onnotice: () => {} });
    clients.push(client);
    return client;
  };
  let fixture: Fixture | null = null;

  afterAll(async () => {
    for (const client of clients) await client.end({ timeout: 1 });
  });

  it("moves every row to exactly one table, unchanged, while the old worker's statements wait and then go on", async () => {
    const url = databaseUrl(await databases.create());
    const setup = open(url);
    await drizzleMigrate(drizzle({ client: setup }), {
      migrationsFolder: firstMigrations(pgMigrationsFolder, 5),
      migrationsTable: "tasks_migrations",
      migrationsSchema: "drizzle",
    });
    const filled = await fillOldDatabase(new OldProcess(setup, BACKEND));
    const before = await rowsOf(setup, "tasks_results");
    expect([...before.values()].map((row) => row.status).sort()).toEqual(
      ["CANCELLED", "FAILED", "READY", "READY", "READY", "READY", "READY", "READY", "RUNNING", "RUNNING", "SUCCESSFUL"].sort(),
    );

    // A transaction of the previous version still open when the deploy starts: the migration
    // waits for its lock, so the old worker's statements are seen queued behind it.
    let endOpenTransaction!: () => void;
    const openTransactionEnded = new Promise<void>((resolve) => (endOpenTransaction = resolve));
    let readerStarted!: () => void;
    const reading = new Promise<void>((resolve) => (readerStarted = resolve));
    const reader = open(url).begin(async (tx) => {
      await tx`SELECT count(*) FROM tasks_results`;
      readerStarted();
      await openTransactionEnded;
    });
    await reading;

    const loopClient = open(url);
    const loop = new OldWorkerLoop(new OldProcess(loopClient, BACKEND));
    const loopPid = await backendPid(loopClient);
    await until("the old worker ran a few rounds", async () => loop.rounds >= 3);

    const migrateClient = open(url);
    const migratePid = await backendPid(migrateClient);
    const monitor = open(url);
    const started = Date.now();
    const migrating = migrate(drizzle({ client: migrateClient }));
    await until("the migration waits for its lock on tasks_results", async () => {
      const [row] = await monitor<{ waiting: boolean }[]>`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = ${migratePid} AND NOT granted) AS waiting`;
      return row!.waiting;
    });
    loop.phase = "after";
    await until("an old worker's statement waits behind the migration", async () => {
      const [row] = await monitor<{ blocked: boolean }[]>`SELECT ${migratePid}::int = ANY(pg_blocking_pids(${loopPid}::int)) AS blocked`;
      return row!.blocked;
    });
    const roundsWhileBlocked = loop.rounds;
    await sleep(200);
    expect(loop.rounds).toBe(roundsWhileBlocked);
    endOpenTransaction();
    await reader;
    // 0005 and every later migration (0006_schedules adds scheduled_for, 0007_trace_context trace_context, NULL on these rows).
    expect(await migrating).toEqual(migrationNames(pgMigrationsFolder).slice(5));
    expect(migrationNames(pgMigrationsFolder)[5]).toBe("0005_split_queue_from_results");
    const roundsAtMigration = loop.rounds;
    await until("the old worker ran more rounds", async () => loop.rounds >= roundsAtMigration + ROUNDS_AFTER_MIGRATION);
    await loop.stop();
    const afterMigration = [...loop.enqueued].filter(([, phase]) => phase === "after").map(([id]) => id);
    console.info(
      `migrated in ${Date.now() - started} ms; old worker: ${loop.rounds} rounds, ${loop.enqueued.size} tasks enqueued (${afterMigration.length} after the migration), ` +
        `${loop.lostLeases.length} leases and ${loop.lostCompletions.length} completions lost`,
    );

    expect(loop.errors).toEqual([]);
    expect(loop.claimedAfter).toBe(0);
    const old = new OldProcess(setup, BACKEND);
    expect(await old.claim(new Date(), "default", 100, OLD_WORKER, 1_000)).toEqual([]);
    expect(await old.claim(new Date(), LOOP_QUEUE, 100, OLD_WORKER, 1_000)).toEqual([]);

    const queue = await rowsOf(setup, "tasks_queue");
    const results = await rowsOf(setup, "tasks_results");
    for (const [id, previous] of before) {
      const live = previous.status === "READY" || previous.status === "RUNNING";
      const row = { ...previous, scheduled_for: null, trace_context: null };
      expect({ id, queue: queue.get(id) ?? null, results: results.get(id) ?? null }).toEqual({
        id,
        queue: live ? row : null,
        results: live ? null : row,
      });
    }
    expect(afterMigration.length).toBeGreaterThan(0);
    for (const id of afterMigration) {
      expect({ id, inQueue: queue.get(id)?.status ?? null, inResults: results.has(id) }).toEqual({ id, inQueue: "READY", inResults: false });
    }
    // Claims the old worker held when the migration ran are lost to it, and stay RUNNING in the queue for a rescue.
    expect(loop.lostLeases.length + loop.lostCompletions.length).toBeGreaterThan(0);
    for (const id of [...loop.lostLeases, ...loop.lostCompletions]) expect({ id, status: queue.get(id)?.status }).toEqual({ id, status: "RUNNING" });
    for (const id of loop.enqueued.keys()) expect(Number(queue.has(id)) + Number(results.has(id))).toBe(1);
    expect([...queue.keys()].filter((id) => results.has(id))).toEqual([]);
    expect([...results.values()].filter((row) => row.status === "READY" || row.status === "RUNNING")).toEqual([]);
    expect(queue.size + results.size).toBe(before.size + loop.enqueued.size);
    fixture = { url, before, afterMigration, ...filled };
  });

  it("then leaves an old enqueue with a unique key held in the queue table no second live row", async () => {
    if (!fixture) throw new Error("The migration test did not finish.");
    const client = open(fixture.url);
    const holder = fixture.ready.find((task) => task.uniqueKey !== null)!;
    let outcome: unknown;
    try {
      outcome = await new OldProcess(client, BACKEND).insert(new Date(), [newTask({ uniqueKey: holder.uniqueKey })]);
    } catch (error) {
      outcome = { code: (error as { code?: unknown }).code, message: String(error) };
    }
    console.info(`an old enqueue of a held unique key: ${JSON.stringify(outcome instanceof Set ? [...outcome] : outcome)}`);
    const holders = await client<{ id: string }[]>`
      SELECT id::text FROM tasks_queue WHERE unique_key = ${holder.uniqueKey}
      UNION ALL SELECT id::text FROM tasks_results WHERE unique_key = ${holder.uniqueKey}`;
    expect(holders.map((row) => row.id)).toEqual([holder.id]);
    expect(outcome instanceof Set && outcome.size > 0).toBe(false);
  });

  it("then the new backend and worker run the migrated tasks, rescue the expired one and read every finished one", async () => {
    if (!fixture) throw new Error("The migration test did not finish.");
    const backend = new PostgresBackend({ url: fixture.url, listen: false });
    try {
      configureTasks({ backends: { default: { backend, queues: [] } }, logger: silentLogger });
      task({ name: "split.add" }, (a: number, b: number) => a + b);
      task({ name: "split.loop" }, () => "new");
      const summary = await new Worker({ queues: "*", batch: true, concurrency: 20, pollIntervalMs: 50 }).run();
      expect(summary).toMatchObject({ stoppedBy: "batch", failed: 0, lost: 0 });

      const get = async (id: string) => (await backend.get({ backend: BACKEND, id }))!;
      const argsOf = (id: string) => fixture!.before.get(id)!.args as [number, number];
      for (const { id } of [...fixture.ready, fixture.retried, fixture.expired]) {
        const [a, b] = argsOf(id);
        expect(await get(id)).toMatchObject({ id, status: "SUCCESSFUL", returnValue: a + b });
      }
      expect(await get(fixture.expired.id)).toMatchObject({ attempts: 2, errors: [{ className: expect.any(String) }] });
      expect(await get(fixture.retried.id)).toMatchObject({ attempts: 2, errors: [{ message: "failed once" }] });
      expect(await get(fixture.deferred.id)).toMatchObject({ status: "READY", attempts: 0 });
      expect(await get(fixture.running.id)).toMatchObject({ status: "RUNNING", workerIds: [OLD_WORKER] });
      const [succeeded, failed, cancelled] = fixture.finished.map((row) => row.id) as [string, string, string];
      expect(await get(succeeded)).toMatchObject({ status: "SUCCESSFUL", returnValue: { sum: 42, parts: [40, 2] }, errors: [] });
      expect(await get(failed)).toMatchObject({ status: "FAILED", errors: [{ className: "Error", message: "failed for good" }] });
      expect(await get(cancelled)).toMatchObject({ status: "CANCELLED", attempts: 0 });
      for (const id of fixture.afterMigration) expect(await get(id)).toMatchObject({ id, status: "SUCCESSFUL", returnValue: "new" });
    } finally {
      resetTasksConfiguration();
      unregisterTasks();
      await backend.close();
    }
  });
});
