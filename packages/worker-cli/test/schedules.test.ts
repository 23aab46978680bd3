import type { ScheduleOverview, TaskHealthReport } from "@tasks/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSqliteDatabase, type TestDatabase } from "./helpers/databases.js";
import { storedTasksNamed } from "./helpers/scheduled-rows.js";
import { run } from "./helpers/spawn.js";

const CONFIG = ["--config", "schedules.config.ts"];
const WORKER = ["worker", ...CONFIG, "--no-startup-delay", "--log-format", "json"];
const DAY_MS = 86_400_000;

/** Overviews as `--json` prints them (dates as ISO text). */
type JsonOverview = { [K in keyof ScheduleOverview]: ScheduleOverview[K] extends Date | null ? string | null : ScheduleOverview[K] };

describe("tasks schedules, tasks status and --no-schedules on SQLite", () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createSqliteDatabase();
  });

  afterEach(async (context) => {
    await database.dispose(context.task.result?.state === "fail");
  });

  const schedules = async (args: readonly string[] = [], env: Record<string, string> = {}) => run("tasks", ["schedules", ...CONFIG, ...args], { env: { ...database.env, ...env } });
  const asJson = (stdout: string) => new Map((JSON.parse(stdout) as JsonOverview[]).map((entry) => [entry.name, entry]));

  it("lists declared and stored schedules with their next and last occurrence, and exits 1 while one is overdue", async () => {
    const fresh = await schedules();
    expect(fresh.code, fresh.stderr).toBe(0);
    const freshLines = fresh.stdout.split("\n");
    expect(freshLines[0]).toMatch(/^Schedules of backend "default" \(sqlite\) at \d{4}-/);
    expect(freshLines[2]).toMatch(/^NAME +TASK +CRON +MISSED +NEXT OCCURRENCE +LAST ENQUEUED FOR +LAST STATUS +STATE$/);
    expect(freshLines[3]).toMatch(/^cli\.tick +cli\.tick +\* \* \* \* \* \* \(UTC\) +latest +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(in \S+\) +- +- +not started$/);
    expect(fresh.stdout).toContain("1 not started: declared here, but no worker with it declared has run yet.");

    // A worker with --no-schedules runs tasks only: it stores no state for the schedule.
    const tasksOnly = await run("tasks", [...WORKER, "--no-schedules", "--duration", "1.5"], { env: database.env });
    expect(tasksOnly.code, tasksOnly.stderr).toBe(0);
    const untouched = asJson((await schedules(["--json"])).stdout).get("cli.tick");
    expect(untouched).toMatchObject({ declared: true, settledThrough: null, lastEnqueuedFor: null, lastTaskId: null });

    const worker = await run("tasks", [...WORKER, "--duration", "2.5"], { env: database.env });
    expect(worker.code, worker.stderr).toBe(0);
    expect(worker.stdout).toContain('Schedule \\"cli.tick\\" enqueued');

    // State stored three days ago for a schedule this code declares only with TASKS_CLI_TEST_NIGHTLY
    // (no worker ran it since: overdue), and for one no code declares any more.
    const backend = database.backend();
    try {
      await backend.registerSchedules!({ backend: "default", now: new Date(Date.now() - 3 * DAY_MS), names: ["cli.nightly", "cli.retired"] });
    } finally {
      await backend.close();
    }
    const nightly = { TASKS_CLI_TEST_NIGHTLY: "1" };

    const [text, json, undeclared] = await Promise.all([schedules([], nightly), schedules(["--json"], nightly), schedules(["--json"])]);
    expect(text.code, text.stderr).toBe(1);
    const lines = text.stdout.split("\n");
    expect(lines.find((line) => line.startsWith("cli.nightly "))).toMatch(
      /^cli\.nightly +cli\.nightly-report +0 3 \* \* \* \(Europe\/Paris\) +none +\d{4}-\d\d-\d\d \d\d:00:00Z \(\dd\d\dh ago\) +- +- +OVERDUE \dd\d\dh$/,
    );
    expect(lines.find((line) => line.startsWith("cli.retired "))).toMatch(/^cli\.retired +- +- +- +- +- +- +not declared in this code$/);
    expect(lines.find((line) => line.startsWith("cli.tick "))).toMatch(/ (SUCCESSFUL|READY|RUNNING) +(due|on time)$/);
    expect(text.stdout).toContain('1 overdue: no worker has enqueued the next occurrence within the grace period. Run "tasks worker"');
    expect(text.stdout).toContain("1 not declared in this code: state stored by workers of other code");

    expect(json.code, json.stderr).toBe(1);
    const byName = asJson(json.stdout);
    expect([...byName.keys()]).toEqual(["cli.nightly", "cli.retired", "cli.tick"]);
    const overdue = byName.get("cli.nightly")!;
    expect(overdue).toMatchObject({ declared: true, taskName: "cli.nightly-report", cron: "0 3 * * *", timeZone: "Europe/Paris", missed: "none", lastTaskId: null });
    expect(overdue.overdueMs).toBeGreaterThan(DAY_MS);
    expect(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", timeStyle: "short" }).format(new Date(overdue.nextOccurrence!))).toBe("03:00");
    expect(byName.get("cli.retired")).toMatchObject({ declared: false, taskName: null, cron: null, nextOccurrence: null, overdueMs: null });
    // The tick's last occurrence is a stored task with that scheduled_for, in the status shown.
    const tick = byName.get("cli.tick")!;
    expect(tick.overdueMs).toBeNull();
    const last = (await storedTasksNamed(database, "cli.tick")).find((stored) => stored.id === tick.lastTaskId);
    expect(last, "the tick's last task is stored").toBeDefined();
    expect({ at: last!.scheduledFor, status: last!.status }).toEqual({ at: Date.parse(tick.lastEnqueuedFor!), status: tick.lastStatus });

    // Without the declaration nothing is overdue: cli.nightly is then stored only.
    expect(undeclared.code, undeclared.stderr).toBe(0);
    expect(asJson(undeclared.stdout).get("cli.nightly")).toMatchObject({ declared: false, overdueMs: null });
  });

  it("tasks status lists overdue schedules, and still reports when the task modules cannot be loaded", async () => {
    const backend = database.backend();
    try {
      await backend.registerSchedules!({ backend: "default", now: new Date(Date.now() - 3 * DAY_MS), names: ["cli.nightly"] });
    } finally {
      await backend.close();
    }
    const env = { ...database.env, TASKS_CLI_TEST_NIGHTLY: "1" };

    const broken = { ...env, TASKS_CLI_TEST_BROKEN_MODULE: "1" };
    const [text, json, withoutModules, refused] = await Promise.all([
      run("tasks", ["status", ...CONFIG], { env }),
      run("tasks", ["status", "--json", ...CONFIG], { env }),
      run("tasks", ["status", ...CONFIG], { env: broken }),
      run("tasks", ["schedules", ...CONFIG], { env: broken }),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("Overdue schedules (1):");
    expect(text.stdout.split("\n").find((line) => line.startsWith("cli.nightly "))).toMatch(/^cli\.nightly +cli\.nightly-report +\d{4}-\d\d-\d\d \d\d:00:00Z \(\dd\d\dh ago\) +\dd\d\dh$/);

    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as TaskHealthReport;
    expect(report.overdueSchedules.map((entry) => [entry.name, entry.taskName])).toEqual([["cli.nightly", "cli.nightly-report"]]);

    expect(withoutModules.code, withoutModules.stderr).toBe(0);
    expect(withoutModules.stderr).toContain("tasks status: overdue schedules not checked, since the task modules did not load: Could not load task module");
    expect(withoutModules.stderr).toContain("this task module fails to load on purpose");
    expect(withoutModules.stdout).toContain("Overdue schedules: not checked (the task modules did not load).");
    expect(withoutModules.stdout).toContain("Tasks: none stored.");

    // tasks schedules cannot do without them: exit 2, naming the module.
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Could not load task module \"./schedules.ts\"");
  });
});
