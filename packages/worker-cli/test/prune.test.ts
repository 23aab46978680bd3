import { Worker, getBackend, type TaskResult } from "@tasks/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TestDatabase } from "./helpers/databases.js";
import { DIALECTS } from "./helpers/dialects.js";
import { run } from "./helpers/spawn.js";
import { clockAgo, row, stopUsingDatabase, useDatabase } from "./helpers/tasks-db.js";
import { failTask, sleepTask } from "./fixtures/tasks.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Ids of the seeded rows, by age and outcome. */
interface Seeded {
  old: { ok: string[]; failed: string[]; otherQueueOk: string[] }; // finished 20 days ago
  middle: { ok: string[]; failed: string[] }; // finished 10 days ago
  recent: { ok: string[]; failed: string[] }; // finished an hour ago
  ready: string; // enqueued 30 days ago, never run
  running: string; // claimed 30 days ago, never finished
}

/** Enqueues and runs tasks with the clock `ago` in the past, so their rows finished then. */
async function finishedAgo(database: TestDatabase, ago: number, make: () => Promise<TaskResult<unknown>>[]): Promise<string[]> {
  useDatabase(database, clockAgo(ago));
  const results = await Promise.all(make());
  await new Worker({ queues: "*", batch: true, pollIntervalMs: 20 }).run();
  await stopUsingDatabase();
  return results.map((result) => result.id);
}

async function seed(database: TestDatabase): Promise<Seeded> {
  const old = {
    ok: await finishedAgo(database, 20 * DAY, () => [sleepTask.enqueue("o1", 0), sleepTask.enqueue("o2", 0)]),
    failed: await finishedAgo(database, 20 * DAY, () => [failTask.enqueue(), failTask.enqueue()]),
    otherQueueOk: await finishedAgo(database, 20 * DAY, () => [sleepTask.using({ queueName: "other" }).enqueue("q1", 0)]),
  };
  const middle = {
    ok: await finishedAgo(database, 10 * DAY, () => [sleepTask.enqueue("m1", 0)]),
    failed: await finishedAgo(database, 10 * DAY, () => [failTask.enqueue()]),
  };
  const recent = {
    ok: await finishedAgo(database, HOUR, () => [sleepTask.enqueue("r1", 0)]),
    failed: await finishedAgo(database, HOUR, () => [failTask.enqueue()]),
  };
  useDatabase(database, clockAgo(30 * DAY));
  const ready = (await sleepTask.using({ queueName: "parked" }).enqueue("ready", 0)).id;
  const running = (await sleepTask.using({ queueName: "stuck" }).enqueue("running", 0)).id;
  const resolved = getBackend();
  const claimed = await resolved.backend.claim({
    backend: resolved.alias,
    now: new Date(Date.now() - 30 * DAY),
    workerId: "gone",
    queues: { include: ["stuck"], exclude: [] },
    limit: 1,
    leaseMs: 60_000,
  });
  expect(claimed.map((record) => record.id)).toEqual([running]);
  await stopUsingDatabase();
  useDatabase(database);
  return { old, middle, recent, ready, running };
}

async function existing(ids: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const id of ids) if (await row(id)) found.push(id);
  return found;
}

describe.each(DIALECTS)("tasks prune (and its alias prune) on $name", (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let rows: Seeded;
  let all: string[];

  beforeEach(async (context) => {
    if (dialect.skip) context.skip(dialect.skip);
    database = await dialect.create();
    env = database.env;
    rows = await seed(database);
    all = [
      ...rows.old.ok,
      ...rows.old.failed,
      ...rows.old.otherQueueOk,
      ...rows.middle.ok,
      ...rows.middle.failed,
      ...rows.recent.ok,
      ...rows.recent.failed,
      rows.ready,
      rows.running,
    ];
    expect((await row(rows.old.failed[0] as string))?.status).toBe("FAILED");
  });

  afterEach(async (context) => {
    if (dialect.skip) return;
    await stopUsingDatabase();
    await database.dispose(context.task.result?.state === "fail");
  });

  it("keeps rows younger than --keep and deletes older finished rows in chunks, never READY or RUNNING", async () => {
    const exit = await run("prune", ["--keep", "14d", "--batch-size", "2"], { env });
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toContain("Deleted 5 finished task rows");
    const gone = [...rows.old.ok, ...rows.old.failed, ...rows.old.otherQueueOk];
    expect(await existing(gone)).toEqual([]);
    expect(await existing(all)).toEqual(all.filter((id) => !gone.includes(id)));
  });

  it("honours --keep-failed separately from --keep", async () => {
    const keepFailed = await run("tasks", ["prune", "--keep", "7d", "--keep-failed", "30d"], { env });
    expect(keepFailed.code, keepFailed.stderr).toBe(0);
    expect(keepFailed.stdout).toContain("Deleted 4 finished task rows");
    expect(await existing([...rows.old.ok, ...rows.old.otherQueueOk, ...rows.middle.ok])).toEqual([]);
    expect(await existing([...rows.old.failed, ...rows.middle.failed])).toHaveLength(3);

    const failedOnly = await run("prune", ["--keep", "30d", "--keep-failed", "7d"], { env });
    expect(failedOnly.code, failedOnly.stderr).toBe(0);
    expect(failedOnly.stdout).toContain("Deleted 3 finished task rows");
    expect(await existing([...rows.old.failed, ...rows.middle.failed])).toEqual([]);
    expect(await existing([...rows.recent.ok, ...rows.recent.failed, rows.ready, rows.running])).toHaveLength(4);
  });

  it("respects --queue", async () => {
    const exit = await run("prune", ["--keep", "7d", "--queue", "other"], { env });
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toContain("Deleted 1 finished task row ");
    expect(await existing(all)).toEqual(all.filter((id) => !rows.old.otherQueueOk.includes(id)));
  });

  it("--dry-run counts and deletes nothing", async () => {
    const exit = await run("tasks", ["prune", "--keep", "7d", "--dry-run"], { env });
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toContain("Would delete 7 finished task rows");
    expect(exit.stdout).toContain("nothing was deleted");
    expect(await existing(all)).toEqual(all);
  });

  it("--keep 0s deletes every finished row and still leaves READY and RUNNING rows", async () => {
    const exit = await run("prune", ["--keep", "0s"], { env });
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toContain("Deleted 9 finished task rows");
    expect(await existing(all)).toEqual([rows.ready, rows.running]);
    expect((await row(rows.running))?.status).toBe("RUNNING");
  });
});
