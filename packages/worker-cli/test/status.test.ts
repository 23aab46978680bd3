import { task, type TaskHealthReport } from "@tasks/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TestDatabase } from "./helpers/databases.js";
import { DIALECTS } from "./helpers/dialects.js";
import { run, start, type Running } from "./helpers/spawn.js";
import { stopUsingDatabase, useDatabase } from "./helpers/tasks-db.js";
import { failTask, sleepTask } from "./fixtures/tasks.js";

/** A task the fixture task modules do not define, so no worker started by these tests can run it. */
const unknownTask = task({ name: "cli.not-in-any-worker" }, async () => null);

describe.each(DIALECTS)("tasks status on $name", (dialect) => {
  let database: TestDatabase;
  let worker: Running | undefined;

  beforeEach(async (context) => {
    if (dialect.skip) context.skip(dialect.skip);
    database = await dialect.create();
    useDatabase(database);
  });

  afterEach(async (context) => {
    if (dialect.skip) return;
    worker?.child.kill("SIGTERM");
    await worker?.exited;
    worker = undefined;
    await stopUsingDatabase();
    await database.dispose(context.task.result?.state === "fail");
  });

  it("shows counts by queue and status, the oldest READY task, failures, live workers and READY tasks no live worker can run", async () => {
    const failed = await failTask.using({ queueName: "idle" }).enqueue();
    for (const label of ["a", "b"]) await sleepTask.enqueue(label, 0);
    await unknownTask.enqueue();
    worker = start("tasks", ["worker", "--queue", "idle", "--worker-id", "status-w1", "--no-startup-delay", "--interval", "0.1", "--log-format", "json"], { env: database.env });
    await worker.waitForLog((line) => line.msg === "Task finished." && line.id === failed.id);

    const text = await run("tasks", ["status"], { env: database.env });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split("\n");
    expect(lines[0]).toMatch(/^Backend "default" \(\w+\) at \d{4}-/);
    expect(lines).toContain("QUEUE    READY  RUNNING  SUCCESSFUL  FAILED  CANCELLED  OLDEST READY");
    // Each queue's oldest READY age is a duration; a queue with no READY task shows "-".
    expect(lines.find((line) => line.startsWith("default "))).toMatch(/^default +3 +0 +0 +0 +0 +\d[\w.]*$/);
    expect(lines.find((line) => line.startsWith("idle "))).toMatch(/^idle +0 +0 +0 +1 +0 +-$/);
    expect(text.stdout).toMatch(/Oldest READY task: waiting \S+\./);
    expect(text.stdout).toContain("Running tasks: none.");
    expect(text.stdout).toContain("Recent failures (1):");
    expect(lines.find((line) => line.startsWith(failed.id))).toContain("Error: cli.fail always fails");
    expect(text.stdout).toContain("Live workers (1):");
    expect(lines.find((line) => line.startsWith("status-w1"))).toContain("cli.sleep");
    expect(text.stdout).toContain("READY tasks no live worker can run (1):");
    expect(lines).toContain("cli.not-in-any-worker  default      1");
    expect(text.stdout).toContain("Overdue schedules: none.");

    const json = await run("tasks", ["status", "--json", "--failures", "5"], { env: database.env });
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as TaskHealthReport;
    expect(report.queues.default?.READY).toBe(3);
    expect(report.queues.idle?.FAILED).toBe(1);
    expect(report.recentFailures.map((failure) => failure.id)).toEqual([failed.id]);
    expect(report.workers.map((live) => live.workerId)).toEqual(["status-w1"]);
    expect(report.unrunnable).toEqual([{ taskName: "cli.not-in-any-worker", queueName: "default", count: 1 }]);
    expect(typeof report.oldestReadyAgeMs).toBe("number");
    expect(Object.keys(report.readyAgeByQueue)).toEqual(["default"]);
    expect(report.readyAgeByQueue.default).toBe(report.oldestReadyAgeMs);
    expect(report.overdueSchedules).toEqual([]);
  });

  it("says so when nothing is stored", async () => {
    const exit = await run("tasks", ["status"], { env: database.env });
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toContain("Tasks: none stored.");
    expect(exit.stdout).toContain("Oldest READY task: none runnable now.");
    expect(exit.stdout).toContain("Live workers: none.");
  });
});
