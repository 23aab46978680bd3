import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TestDatabase } from "./helpers/databases.js";
import { DIALECTS } from "./helpers/dialects.js";
import { start } from "./helpers/spawn.js";
import { marksFile, row, stopUsingDatabase, useDatabase } from "./helpers/tasks-db.js";
import { hangOnce, hangRetry, sleepTask } from "./fixtures/tasks.js";

const FAST = ["--no-startup-delay", "--interval", "0.1", "--log-format", "json"];

describe.each(DIALECTS)("tasks worker (and its alias db-worker) on $name", (dialect) => {
  let database: TestDatabase;
  let marks: ReturnType<typeof marksFile>;
  let env: Record<string, string>;

  beforeEach(async (context) => {
    if (dialect.skip) context.skip(dialect.skip);
    database = await dialect.create();
    useDatabase(database);
    marks = marksFile();
    env = { ...database.env, TASKS_CLI_TEST_MARKS: marks.path };
  });

  afterEach(async (context) => {
    if (dialect.skip) return;
    await stopUsingDatabase();
    await database.dispose(context.task.result?.state === "fail");
  });

  it("three --batch processes drain 30 tasks: each runs exactly once and every process exits 0", async () => {
    const results = [];
    for (let i = 0; i < 30; i++) results.push(await sleepTask.enqueue(`t${i}`, 100));
    const workers = [1, 2, 3].map((n) => start("db-worker", ["--batch", ...FAST, "--concurrency", "4", "--worker-id", `w${n}`], { env }));
    const exits = await Promise.all(workers.map((worker) => worker.exited));
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
    const labels = marks.labels();
    expect(labels).toHaveLength(30);
    expect(new Set(labels).size).toBe(30);
    for (const result of results) {
      const stored = await row(result.id);
      expect(stored?.status).toBe("SUCCESSFUL");
      expect(stored?.attempts).toBe(1);
    }
  });

  it("exits 0 promptly on SIGTERM while idle", async () => {
    const worker = start("db-worker", [...FAST, "--log-level", "info"], { env });
    await worker.waitForLog((line) => line.msg === "Worker started.");
    await new Promise((resolve) => setTimeout(resolve, 200)); // let it reach its idle wait
    const sentAt = performance.now();
    worker.child.kill("SIGTERM");
    const exit = await worker.exited;
    const elapsed = performance.now() - sentAt;
    expect(exit.code, exit.stderr).toBe(0);
    expect(elapsed).toBeLessThan(500);
  });

  it("lets a running task finish after the first SIGINT, then exits 0", async () => {
    const result = await sleepTask.enqueue("long", 2_000);
    const worker = start("tasks", ["worker", ...FAST], { env });
    await worker.waitForLog((line) => line.msg === "Task started." && line.id === result.id);
    worker.child.kill("SIGINT");
    const exit = await worker.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect((await row(result.id))?.status).toBe("SUCCESSFUL");
    expect(worker.logLines.some((line) => line.msg === "Task finished." && line.id === result.id && line.outcome === "SUCCESSFUL")).toBe(true);
  });

  it("hands hanging tasks back on a second SIGINT: READY with attempts left, FAILED without, exit 130", async () => {
    const retrying = await hangRetry.enqueue("retry");
    const once = await hangOnce.enqueue("once");
    const worker = start("db-worker", [...FAST, "--concurrency", "2"], { env });
    await worker.waitForLog((line) => line.msg === "Task started." && line.id === retrying.id);
    await worker.waitForLog((line) => line.msg === "Task started." && line.id === once.id);
    worker.child.kill("SIGINT");
    await worker.waitForLog((line) => typeof line.msg === "string" && line.msg.startsWith("Received SIGINT:"));
    worker.child.kill("SIGINT");
    const exit = await worker.exited;
    expect(exit.code, exit.stderr).toBe(130);
    const retried = await row(retrying.id);
    expect(retried?.status).toBe("READY");
    expect(retried?.errors.at(-1)?.className).toBe("WorkerShutdownError");
    const failedOnce = await row(once.id);
    expect(failedOnce?.status).toBe("FAILED");
    expect(failedOnce?.errors.at(-1)?.className).toBe("WorkerShutdownError");
  });

  it("--max-tasks 2 runs exactly 2 of 5 tasks and logs each start and finish (pretty format)", async () => {
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await sleepTask.enqueue(`m${i}`, 10));
    const worker = start("db-worker", ["--no-startup-delay", "--interval", "0.1", "--max-tasks", "2"], { env });
    const exit = await worker.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(marks.labels()).toHaveLength(2);
    const statuses = await Promise.all(results.map(async (result) => (await row(result.id))?.status));
    expect(statuses.filter((status) => status === "SUCCESSFUL")).toHaveLength(2);
    expect(statuses.filter((status) => status === "READY")).toHaveLength(3);
    const finished = exit.stdout.split("\n").filter((line) => line.includes("Task finished."));
    expect(finished).toHaveLength(2);
    for (const line of finished) expect(line).toMatch(/ id=\S+ task=cli\.sleep queue=default attempt=1 duration=\S+ outcome=SUCCESSFUL/);
  });

  it("--duration 1 exits 0 after about a second", async () => {
    const startedAt = performance.now();
    const worker = start("tasks", ["worker", ...FAST, "--duration", "1", "--log-level", "info"], { env });
    await worker.waitForLog((line) => line.msg === "Worker started.");
    const runningAt = performance.now();
    const exit = await worker.exited;
    const ended = performance.now();
    expect(exit.code, exit.stderr).toBe(0);
    expect(ended - runningAt).toBeGreaterThanOrEqual(900);
    expect(ended - startedAt).toBeLessThan(10_000);
    expect(worker.logLines.find((line) => line.msg === "Worker stopped.")?.stoppedBy).toBe("duration");
  });

  it("--queue takes only the named queues", async () => {
    const special = await sleepTask.using({ queueName: "special" }).enqueue("s1", 0);
    const other = await sleepTask.enqueue("d1", 0);
    const exit = await start("tasks", ["worker", "--batch", ...FAST, "--queue", "special"], { env }).exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect((await row(special.id))?.status).toBe("SUCCESSFUL");
    expect((await row(other.id))?.status).toBe("READY");
  });
});
