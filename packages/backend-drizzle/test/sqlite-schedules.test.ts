/**
 * Schedules on SQLite beyond the conformance suite: processes racing on one file, one step that
 * rolls back whole, the storage format, and migration 0006_schedules over a database at 0005.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { migrate as drizzleMigrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord, type ScheduledOccurrence } from "@tasks/core/backend";
import { sqliteMigrationsFolder } from "../src/sqlite/index.js";
import { firstMigrations, migrationNames } from "./helpers/partial-migrations.js";
import { migratedFile, openDb, useSqliteFiles } from "./sqlite-helpers.js";

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const racer = fileURLToPath(new URL("./helpers/sqlite-schedule-racer.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));

function occurrences(seconds: readonly number[]): ScheduledOccurrence[] {
  return seconds.map((offset) => {
    const args = [offset];
    const task: NewTaskRecord = { id: newTaskId(), taskName: "sqlite.scheduled", queueName: "default", priority: 0, args, runAfter: null, maxAttempts: 1, identityHash: identityHash("sqlite.scheduled", args), uniqueKey: null, scheduledFor: at(offset), traceContext: null };
    return { at: at(offset), task };
  });
}

interface RacerOutcome {
  stored: number;
  late: number;
  ms: number;
}

function runRacer(args: string[]): Promise<RacerOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", racer, ...args], { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`racer exited with code ${code}:\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as RacerOutcome);
    });
  });
}

const files = useSqliteFiles();

describe("SQLite schedules", () => {
  it("4 processes on one file enqueueing the same occurrences over 100 rounds store each exactly once", async () => {
    const file = await migratedFile(files.dir());
    const [rounds, perRound] = [100, 3];
    // Every process waits for the same moment, after all of them have started.
    const startAt = String(Date.now() + 4_000);
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => runRacer([file, "racers", startAt, String(rounds), String(perRound)])));
    const backend = files.open(file);
    const rows = backend.db.$client
      .prepare<[], { id: string; scheduled_for: number }>("SELECT id, scheduled_for FROM tasks_queue WHERE backend = 'racers' ORDER BY scheduled_for")
      .all();
    const expected = Array.from({ length: rounds * perRound }, (_, second) => at(second).getTime());
    expect(rows.map((row) => row.scheduled_for)).toEqual(expected);
    expect(outcomes.reduce((sum, outcome) => sum + outcome.stored, 0)).toBe(expected.length);
    console.info(`per process: ${outcomes.map((outcome) => `${outcome.stored} tasks stored in ${outcome.ms} ms, started ${outcome.late} ms late`).join("; ")}`);
    const last = rows.at(-1)!;
    expect(await backend.listSchedules({ backend: "racers" })).toEqual([
      { name: "raced", settledThrough: at(rounds * perRound - 1), lastEnqueuedFor: at(rounds * perRound - 1), lastTaskId: last.id },
    ]);
  }, 120_000);

  it("stores nothing and keeps the state when one of the tasks cannot be stored (one transaction)", async () => {
    const backend = files.open(await migratedFile(files.dir()));
    const first = await backend.enqueueOccurrences({ backend: "a", now: at(10), name: "s", through: at(10), occurrences: occurrences([10]) });
    const list = occurrences([20, 30]);
    const clash = { ...list[1]!, task: { ...list[1]!.task, id: first.enqueued[0]!.id } };
    await expect(backend.enqueueOccurrences({ backend: "a", now: at(30), name: "s", through: at(30), occurrences: [list[0]!, clash] })).rejects.toThrow(
      `A task with id "${first.enqueued[0]!.id}" is already stored in backend "a"`,
    );
    expect(await backend.get({ backend: "a", id: list[0]!.task.id })).toBeNull();
    expect(await backend.listSchedules({ backend: "a" })).toEqual([first.state]);
    const retried = await backend.enqueueOccurrences({ backend: "a", now: at(31), name: "s", through: at(30), occurrences: list });
    expect(retried.enqueued.map((record) => record.scheduledFor)).toEqual([at(20), at(30)]);
  });

  it("stores the occurrence and the schedule's times as integer milliseconds, like the other times", async () => {
    const backend = files.open(await migratedFile(files.dir()));
    const { enqueued } = await backend.enqueueOccurrences({ backend: "fmt", now: at(100), name: "s", through: at(90), occurrences: occurrences([60]) });
    const sqlite = backend.db.$client;
    expect(sqlite.prepare("SELECT scheduled_for FROM tasks_queue WHERE id = ?").get(enqueued[0]!.id)).toEqual({ scheduled_for: at(60).getTime() });
    expect(sqlite.prepare("SELECT * FROM tasks_schedules").all()).toEqual([
      { backend: "fmt", name: "s", settled_through: at(90).getTime(), last_enqueued_for: at(60).getTime(), last_task_id: enqueued[0]!.id, updated_at: at(100).getTime() },
    ]);
  });

  it("migration 0006_schedules keeps every row of both task tables, with scheduled_for NULL, and the backend runs them", async () => {
    const all = migrationNames(sqliteMigrationsFolder);
    const index = all.indexOf("0006_schedules");
    expect(index).toBeGreaterThan(0);
    const file = files.dir().file("at-0005.db");
    const { client, db } = openDb(file);
    drizzleMigrate(db, { migrationsFolder: firstMigrations(sqliteMigrationsFolder, index), migrationsTable: "tasks_migrations" });
    // Rows as the version before wrote them: one READY, one SUCCESSFUL.
    const columns = "id, backend, task_name, queue_name, priority, args, status, run_after, runnable_at, enqueued_at, finished_at, attempts, max_attempts, worker_ids, errors, return_value, identity_hash";
    const ready = newTaskId();
    const done = newTaskId();
    client.prepare(`INSERT INTO tasks_queue (${columns}) VALUES (?, 'm', 'sqlite.scheduled', 'default', 0, '[1]', 'READY', NULL, 1000, 1000, NULL, 0, 1, '[]', '[]', NULL, 'h')`).run(ready);
    client.prepare(`INSERT INTO tasks_results (${columns}) VALUES (?, 'm', 'sqlite.scheduled', 'default', 0, '[2]', 'SUCCESSFUL', NULL, 1000, 1000, 2000, 1, 1, '["w"]', '[]', '"ok"', 'h')`).run(done);
    const before = ["tasks_queue", "tasks_results"].map((table) => client.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]);
    client.close();

    const backend = files.open(file);
    // 0006 and every later migration (0007_trace_context adds trace_context, NULL on these rows).
    expect(await backend.pendingMigrations()).toEqual(all.slice(index));
    expect(await backend.migrate()).toEqual(all.slice(index));
    const sqlite = backend.db.$client;
    const after = ["tasks_queue", "tasks_results"].map((table) => sqlite.prepare(`SELECT * FROM ${table}`).all());
    expect(after).toEqual(before.map((rows) => rows.map((row) => ({ ...row, scheduled_for: null, trace_context: null }))));
    expect(await backend.verify()).toEqual({ ok: true });
    expect(await backend.get({ backend: "m", id: done })).toMatchObject({ status: "SUCCESSFUL", returnValue: "ok", scheduledFor: null });
    const [claimed] = await backend.claim({ backend: "m", now: new Date(5000), workerId: "w", queues: { include: "*", exclude: [] }, limit: 1, leaseMs: 60_000 });
    expect(claimed).toMatchObject({ id: ready, scheduledFor: null });
    expect(await backend.complete({ backend: "m", now: new Date(6000), completions: [{ id: ready, attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: 2 } }] })).toEqual({ applied: [ready] });
    expect(await backend.get({ backend: "m", id: ready })).toMatchObject({ status: "SUCCESSFUL", scheduledFor: null });
    expect(await backend.listSchedules({ backend: "m" })).toEqual([]);
  });
});
