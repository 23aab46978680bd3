/**
 * Schedules on Postgres beyond the conformance suite: many pools racing with overlapping
 * windows, the NOTIFY and claim-cursor bookkeeping of the ordinary enqueue, one step that
 * rolls back whole, a connection cut inside the transaction (a failed call, never a crashed
 * process), and migration 0006_schedules over a database at 0005.
 */
import { randomBytes } from "node:crypto";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as drizzleMigrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { StorageFaultError } from "@tasks/core";
import { identityHash, newTaskId, type NewTaskRecord, type ScheduledOccurrence } from "@tasks/core/backend";
import { PostgresBackend, pgMigrationsFolder } from "../src/pg/index.js";
import { useEmptyDatabases } from "./helpers/empty-databases.js";
import { firstMigrations, migrationNames } from "./helpers/partial-migrations.js";
import { databaseUrl, postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const alias = () => `sched-${randomBytes(4).toString("hex")}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function task(scheduledFor: Date, overrides: Partial<NewTaskRecord> = {}): NewTaskRecord {
  const args = [scheduledFor.toISOString()];
  return { id: newTaskId(), taskName: "pg.scheduled", queueName: "default", priority: 0, args, runAfter: null, maxAttempts: 1, identityHash: identityHash("pg.scheduled", args), uniqueKey: null, scheduledFor, traceContext: null, ...overrides };
}

/** The occurrences at `seconds`, each with a task of its own (as each worker builds them). */
function occurrences(seconds: readonly number[], overrides: Partial<NewTaskRecord> = {}): ScheduledOccurrence[] {
  return seconds.map((offset) => ({ at: at(offset), task: task(at(offset), overrides) }));
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

describe.skipIf(!available)("Postgres schedules", () => {
  const database = useTestDatabase();
  const opened: PostgresBackend[] = [];
  const open = (options: { listen?: boolean } = {}) => {
    const backend = new PostgresBackend({ url: database().url, listen: options.listen ?? false });
    opened.push(backend);
    return backend;
  };
  afterAll(async () => {
    await Promise.all(opened.map((backend) => backend.close()));
  });

  /** Task rows of `backend` with an occurrence, from both tables: id and occurrence (ms). */
  async function storedOccurrences(backend: string): Promise<{ id: string; ms: number }[]> {
    const rows = await database().client<{ id: string; ms: string }[]>`
      SELECT id::text, (extract(epoch FROM scheduled_for) * 1000)::bigint::text AS ms FROM tasks_queue WHERE backend = ${backend} AND scheduled_for IS NOT NULL
      UNION ALL SELECT id::text, (extract(epoch FROM scheduled_for) * 1000)::bigint::text FROM tasks_results WHERE backend = ${backend} AND scheduled_for IS NOT NULL`;
    return rows.map((row) => ({ id: row.id, ms: Number(row.ms) }));
  }

  it("8 pools racing over 25 rounds, each caller with a window of its own, store every occurrence up to the latest `through` exactly once", async () => {
    const name = alias();
    const pools = Array.from({ length: 8 }, () => open());
    let stored = 0;
    for (let round = 0; round < 25; round++) {
      // Each caller has seen the occurrences up to a point of its own (a clock a little behind,
      // a pass that started earlier); every window starts where the round does, and the first
      // caller's covers the whole round.
      const windows = pools.map((_, index) => range(round * 10, index === 0 ? 10 : 1 + ((index * 3 + round) % 10)));
      const outcomes = await Promise.all(
        pools.map((backend, index) => {
          const seconds = windows[index]!;
          const through = at(seconds.at(-1)!);
          return backend.enqueueOccurrences({ backend: name, now: through, name: "raced", through, occurrences: occurrences(seconds) });
        }),
      );
      stored += outcomes.reduce((sum, outcome) => sum + outcome.enqueued.length, 0);
    }
    const rows = await storedOccurrences(name);
    // Every second of 0..249, each once, whichever caller of a round committed first.
    expect(rows.map((row) => row.ms).sort((a, b) => a - b)).toEqual(range(0, 250).map((second) => at(second).getTime()));
    expect(stored).toBe(250);
    const [state] = await pools[0]!.listSchedules({ backend: name });
    const last = rows.find((row) => row.ms === at(249).getTime())!;
    expect(state).toEqual({ name: "raced", settledThrough: at(249), lastEnqueuedFor: at(249), lastTaskId: last.id });
  }, 60_000);

  it("notifies the queues of the tasks it stores, at commit, like any enqueue", async () => {
    const name = alias();
    const listener = open({ listen: true });
    const heard: string[] = [];
    const unsubscribe = listener.onTasksAvailable((queue) => heard.push(queue));
    try {
      // The LISTEN connection is up once a notification of our own comes back.
      const caller = open();
      const deadline = Date.now() + 10_000;
      while (!heard.includes("sched-probe")) {
        if (Date.now() > deadline) throw new Error("The LISTEN connection never heard the probe.");
        await caller.enqueue({ backend: name, now: at(0), tasks: [task(at(0), { queueName: "sched-probe", scheduledFor: null })] });
        await sleep(50);
      }
      await caller.enqueueOccurrences({ backend: name, now: at(60), name: "n", through: at(60), occurrences: occurrences([30, 60], { queueName: "sched-heard" }) });
      while (!heard.includes("sched-heard")) {
        if (Date.now() > deadline) throw new Error(`No notification for queue sched-heard; heard ${JSON.stringify(heard)}.`);
        await sleep(10);
      }
      expect(heard.filter((queue) => queue === "sched-heard")).toEqual(["sched-heard"]);
    } finally {
      unsubscribe();
    }
  });

  it("sends this process's claimers back to the head when it stores a task behind their cursor", async () => {
    const name = alias();
    const backend = open();
    const now = at(1_000);
    const claim = () => backend.claim({ backend: name, now, workerId: "w", queues: { include: "*", exclude: [] }, limit: 1, leaseMs: 60_000 });
    const ordinary = [task(at(0), { scheduledFor: null }), task(at(0), { scheduledFor: null })];
    await backend.enqueue({ backend: name, now: at(10), tasks: ordinary });
    expect((await claim()).map((record) => record.id)).toEqual([ordinary[0]!.id]);
    // Priority 5 sorts before the cursor (priority 0): a claim resuming there would take ordinary[1].
    const { enqueued } = await backend.enqueueOccurrences({ backend: name, now: at(20), name: "urgent", through: at(20), occurrences: occurrences([20], { priority: 5 }) });
    expect((await claim()).map((record) => record.id)).toEqual([enqueued[0]!.id]);
  });

  it("writes the state row only when the call changes it: a second worker settling the same occurrences leaves no new row version", async () => {
    const name = alias();
    const backend = open();
    const version = async () => (await database().client<{ xmin: string }[]>`SELECT xmin::text FROM tasks_schedules WHERE backend = ${name} AND name = 'twice'`)[0]?.xmin;
    // A new state with nothing due is the inserted row itself.
    await backend.enqueueOccurrences({ backend: name, now: at(0), name: "twice", through: at(0), occurrences: [] });
    const created = await version();
    expect(created).toBeDefined();
    const first = await backend.enqueueOccurrences({ backend: name, now: at(60), name: "twice", through: at(60), occurrences: occurrences([30, 60]) });
    expect(first.enqueued).toHaveLength(2);
    const settled = await version();
    expect(settled).not.toBe(created);
    // The other workers' calls for the same window find everything settled.
    for (let worker = 0; worker < 3; worker++) {
      const again = await backend.enqueueOccurrences({ backend: name, now: at(61), name: "twice", through: at(60), occurrences: occurrences([30, 60]) });
      expect(again.enqueued).toEqual([]);
      expect(again.state).toEqual(first.state);
    }
    expect(await version()).toBe(settled);
    // A later `through` with nothing due still moves the settled time.
    const later = await backend.enqueueOccurrences({ backend: name, now: at(80), name: "twice", through: at(80), occurrences: [] });
    expect(later.state.settledThrough).toEqual(at(80));
    expect(await version()).not.toBe(settled);
    expect((await storedOccurrences(name)).map((row) => row.ms).sort()).toEqual([at(30).getTime(), at(60).getTime()]);
  });

  it("stores nothing and keeps the state when one of the tasks cannot be stored (one transaction)", async () => {
    const name = alias();
    const backend = open();
    const first = await backend.enqueueOccurrences({ backend: name, now: at(10), name: "s", through: at(10), occurrences: occurrences([10]) });
    const list = occurrences([20, 30]);
    // The second occurrence's task reuses the id of the task stored above: the insert fails.
    const clash = { ...list[1]!, task: { ...list[1]!.task, id: first.enqueued[0]!.id } };
    await expect(backend.enqueueOccurrences({ backend: name, now: at(30), name: "s", through: at(30), occurrences: [list[0]!, clash] })).rejects.toThrow();
    expect(await backend.get({ backend: name, id: list[0]!.task.id })).toBeNull();
    expect(await backend.listSchedules({ backend: name })).toEqual([first.state]);
    const retried = await backend.enqueueOccurrences({ backend: name, now: at(31), name: "s", through: at(30), occurrences: list });
    expect(retried.enqueued.map((record) => record.scheduledFor)).toEqual([at(20), at(30)]);
  });

  it("a connection cut while the call waits for the schedule's lock fails the call with StorageFaultError; nothing is stored and the next call stores the occurrences", async () => {
    const name = alias();
    const backend = open();
    const [registered] = await backend.registerSchedules({ backend: name, now: at(0), names: ["cut"] });
    const holder = database().client;
    let holderPid = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const held = holder.begin(async (tx) => {
      const [row] = await tx<{ pid: number }[]>`SELECT pg_backend_pid() AS pid FROM tasks_schedules WHERE backend = ${name} AND name = 'cut' FOR UPDATE`;
      holderPid = row!.pid;
      locked();
      await released;
    });
    await holding;
    const list = occurrences([30, 60]);
    const call = backend.enqueueOccurrences({ backend: name, now: at(60), name: "cut", through: at(60), occurrences: list });
    call.catch(() => {});
    let waiting: number | undefined;
    const deadline = Date.now() + 10_000;
    while (waiting === undefined) {
      if (Date.now() > deadline) throw new Error("enqueueOccurrences never waited for the lock.");
      const rows = await holder<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE ${holderPid}::int = ANY(pg_blocking_pids(pid))`;
      waiting = rows[0]?.pid;
      if (waiting === undefined) await sleep(10);
    }
    await holder`SELECT pg_terminate_backend(${waiting}::int)`;
    await expect(call).rejects.toThrow(StorageFaultError);
    await expect(call).rejects.toThrow(/a schedule's transaction \(enqueueOccurrences\) failed before it committed; nothing of the transaction was stored/);
    release();
    await held;
    for (const { task: stored } of list) expect(await backend.get({ backend: name, id: stored.id })).toBeNull();
    expect(await backend.listSchedules({ backend: name })).toEqual([registered]);
    const again = await backend.enqueueOccurrences({ backend: name, now: at(61), name: "cut", through: at(60), occurrences: list });
    expect(again.enqueued.map((record) => record.id)).toEqual(list.map((occurrence) => occurrence.task.id));
  });
});

describe.skipIf(!available)("Postgres migration 0006_schedules", () => {
  const databases = useEmptyDatabases("tasks_pg_sched");

  it("keeps every row of both task tables as it was, with scheduled_for NULL, and the backend reads and runs them", async () => {
    const all = migrationNames(pgMigrationsFolder);
    const index = all.indexOf("0006_schedules");
    expect(index).toBeGreaterThan(0);
    const url = databaseUrl(await databases.create());
    const client = postgres(url, { max: 1, onnotice: () => {} });
    const backend = new PostgresBackend({ url, listen: false });
    try {
      await drizzleMigrate(drizzle({ client }), { migrationsFolder: firstMigrations(pgMigrationsFolder, index), migrationsTable: "tasks_migrations", migrationsSchema: "drizzle" });
      // Rows as the version before wrote them: one READY, one SUCCESSFUL.
      const [ready, done] = [newTaskId(), newTaskId()];
      const columns = "id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at, finished_at, attempts, max_attempts, worker_ids, return_value, identity_hash";
      await client.unsafe(`INSERT INTO tasks_queue (${columns}) VALUES ($1, 'm', 'pg.scheduled', 'default', 0, '[1]', 'READY', now(), now(), NULL, 0, 1, '[]', NULL, 'h')`, [ready]);
      await client.unsafe(`INSERT INTO tasks_results (${columns}) VALUES ($1, 'm', 'pg.scheduled', 'default', 0, '[2]', 'SUCCESSFUL', now(), now(), now(), 1, 1, '["w"]', '"ok"', 'h')`, [done]);
      const rows = () => Promise.all(["tasks_queue", "tasks_results"].map((table) => client.unsafe<Record<string, unknown>[]>(`SELECT to_jsonb(t) AS row FROM ${table} AS t`)));
      const before = await rows();

      // 0006 and every later migration (0007_trace_context adds trace_context, NULL on these rows).
      expect(await backend.pendingMigrations()).toEqual(all.slice(index));
      expect(await backend.verify()).toMatchObject({ ok: false, problem: "schema-outdated" });
      expect(await backend.migrate()).toEqual(all.slice(index));
      expect(await backend.verify()).toEqual({ ok: true });
      const after = await rows();
      expect(after).toEqual(before.map((table) => table.map(({ row }) => ({ row: { ...(row as object), scheduled_for: null, trace_context: null } }))));

      expect(await backend.get({ backend: "m", id: done })).toMatchObject({ status: "SUCCESSFUL", returnValue: "ok", scheduledFor: null });
      const [claimed] = await backend.claim({ backend: "m", now: new Date(Date.now() + 1_000), workerId: "w", queues: { include: "*", exclude: [] }, limit: 1, leaseMs: 60_000 });
      expect(claimed).toMatchObject({ id: ready, scheduledFor: null });
      expect(await backend.complete({ backend: "m", now: new Date(), completions: [{ id: ready, attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: 2 } }] })).toEqual({ applied: [ready] });
      expect(await backend.get({ backend: "m", id: ready })).toMatchObject({ status: "SUCCESSFUL", returnValue: 2, scheduledFor: null });
      expect(await backend.listSchedules({ backend: "m" })).toEqual([]);
    } finally {
      await backend.close();
      await client.end({ timeout: 1 });
    }
  });
});
