/**
 * Smoke test: runs the demo end to end on SQLite and on a fresh Postgres database, then
 * checks every row of its final table against what the database holds.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { postgresView, sqliteView, type DatabaseView, type StoredTask } from "./database-view.js";
import { HEARTBEAT_TASK_NAME } from "../src/periodic.js";
import { parseFinalTable, runDbWorker, runDemo, runNode, runTasksCommand, type DemoRun, type TableRow } from "./run-demo.js";

const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const EXPECTED_TASKS = [
  "emails.sendWelcome",
  "payments.capture",
  "crm.importLegacyCustomer",
  "emails.sendCartReminder",
  "invoices.issue",
  "emails.sendOrderConfirmation",
  "fraud.reviewOrder",
];

/** Fails with the run's output when it did not exit 0. */
function expectSuccess(run: DemoRun, what: string): void {
  expect(run.exitCode, `${what} exited with ${run.exitCode}; stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(0);
}

/** Checks the demo script's output and its table against the database behind it. */
async function checkRun(run: DemoRun, view: DatabaseView): Promise<void> {
  expectSuccess(run, "the demo");
  expect(run.stdout).toMatch(/\d\/6 finished · \d running/); // the progress line
  expect(run.stdout).toMatch(/↻ payments\.capture +attempt 1 failed/);
  await checkTable(parseFinalTable(run.stdout), view);
}

/** Checks each row of a final table, and every behaviour the demo shows, against the database. */
async function checkTable(table: TableRow[], view: DatabaseView): Promise<void> {
  expect(table.map((row) => row.task)).toEqual(EXPECTED_TASKS);
  // The db-worker also enqueues the minute's heartbeat when a minute starts during its run.
  const stored = (await view.tasks()).filter((task) => task.taskName !== HEARTBEAT_TASK_NAME);
  const byName = new Map(stored.map((task) => [task.taskName, task]));
  expect(stored).toHaveLength(6);

  for (const row of table) {
    if (row.status === "NOT STORED") continue;
    const task = byName.get(row.task!);
    expect(task, `no stored row for ${row.task}`).toBeDefined();
    checkRow(row, task!);
  }

  const expectations: Record<string, [status: string, attempts: number]> = {
    "emails.sendWelcome": ["SUCCESSFUL", 1],
    "payments.capture": ["SUCCESSFUL", 3],
    "crm.importLegacyCustomer": ["FAILED", 1],
    "emails.sendCartReminder": ["SUCCESSFUL", 1],
    "invoices.issue": ["SUCCESSFUL", 1],
    "fraud.reviewOrder": ["SUCCESSFUL", 1],
  };
  for (const [name, [status, attempts]] of Object.entries(expectations)) {
    expect({ name, status: byName.get(name)?.status, attempts: byName.get(name)?.attempts }).toEqual({ name, status, attempts });
  }

  // Retried: both failed attempts are kept.
  expect(byName.get("payments.capture")!.errors.map((error) => error.className)).toEqual(["GatewayTimeoutError", "GatewayTimeoutError"]);

  // Failed for good: error class, message and the stack through the task's code are stored.
  const failed = byName.get("crm.importLegacyCustomer")!;
  expect(failed.errors).toHaveLength(1);
  expect(failed.errors[0]!.className).toBe("LegacyRecordError");
  expect(failed.errors[0]!.message).toContain("Legacy customer 4711");
  expect(failed.errors[0]!.stack).toMatch(/at readLegacyRecord \(.*src[\\/]tasks\.ts:\d+:\d+\)/);

  // Deferred: runAfter two seconds after enqueue, and not started before it.
  const deferred = byName.get("emails.sendCartReminder")!;
  expect(deferred.runAfter).not.toBeNull();
  expect(deferred.runAfter! - deferred.enqueuedAt).toBeGreaterThanOrEqual(1_900);
  expect(deferred.startedAt!).toBeGreaterThanOrEqual(deferred.runAfter!);

  // Priority: enqueued last on its own queue, started first.
  const urgent = byName.get("fraud.reviewOrder")!;
  expect({ queue: urgent.queueName, priority: urgent.priority }).toEqual({ queue: "urgent", priority: 90 });
  expect(Math.min(...stored.map((task) => task.startedAt!))).toBe(urgent.startedAt);

  // Atomic: the invoice row exists, written by that task, matching its return value.
  const atomic = byName.get("invoices.issue")!;
  const invoices = await view.invoices();
  expect(invoices).toEqual([{ number: (atomic.returnValue as { invoiceNumber: string }).invoiceNumber, orderId: "order-1001", taskId: atomic.id }]);

  // Rolled back: neither the order nor its task exists.
  expect(byName.has("emails.sendOrderConfirmation")).toBe(false);
  expect(await view.orderIds()).toEqual(["order-1001"]);
}

/** One table row against its stored task. */
function checkRow(row: TableRow, task: StoredTask): void {
  expect({ task: row.task, queue: row.queue, status: row.status, attempts: row.attempts }).toEqual({
    task: task.taskName,
    queue: task.queueName,
    status: task.status,
    attempts: String(task.attempts),
  });
  const outcome = row["return value or error"]!;
  if (task.status === "SUCCESSFUL") expect(JSON.parse(outcome)).toEqual(task.returnValue);
  else expect(outcome).toBe(`${task.errors.at(-1)!.className}: ${task.errors.at(-1)!.message}`);
  expect(row.duration).toMatch(/^\d+(\.\d+)? m?s$/);
}

describe("demo on SQLite", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "tasks-demo-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("runs every task to its expected end and prints a table that matches the database", async () => {
    const run = await runDemo({ DEMO_DATA_DIR: dataDir });
    expect(run.stdout).toContain(`SQLite file ${join(dataDir, "demo.sqlite")}`);
    const view = sqliteView(join(dataDir, "demo.sqlite"));
    try {
      await checkRun(run, view);
    } finally {
      await view.close();
    }
  });
});

describe("demo tasks run by the db-worker binary (SQLite)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "tasks-demo-cli-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("enqueue, then db-worker with the README's flags (and no start-up delay), then report: the same end states", async () => {
    const env = { DEMO_DATA_DIR: dataDir };
    expectSuccess(await runNode(["--import", "tsx", "src/enqueue-only.ts"], env), "pnpm enqueue");
    const worker = await runDbWorker(["--queue", "*", "--concurrency", "1", "--duration", "5", "--interval", "0.2", "--no-startup-delay"], env);
    expectSuccess(worker, "db-worker");
    expect(worker.stdout).toContain("stoppedBy=duration");
    const report = await runNode(["--import", "tsx", "src/report-only.ts"], env);
    expectSuccess(report, "pnpm report");
    const view = sqliteView(join(dataDir, "demo.sqlite"));
    try {
      await checkTable(parseFinalTable(report.stdout), view);
    } finally {
      await view.close();
    }

    // The worker ran the heartbeat's schedule: tasks schedules shows it, started and not overdue.
    const schedules = await runTasksCommand(["schedules"], env);
    expectSuccess(schedules, "tasks schedules");
    const heartbeat = schedules.stdout.split("\n").find((line) => line.startsWith(`${HEARTBEAT_TASK_NAME} `));
    expect(heartbeat, schedules.stdout).toMatch(/^reports\.heartbeat +reports\.heartbeat +\* \* \* \* \* \(UTC\) +latest .* (on time|due)$/);
  });
});

describe("demo on Postgres", () => {
  const name = `demo_${randomBytes(5).toString("hex")}`;
  let created = false;
  let failed = false;

  afterAll(async () => {
    if (!created) return;
    if (failed) {
      console.warn(`Keeping database ${name} because the demo test failed.`);
      return;
    }
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`;
    } finally {
      await admin.end({ timeout: 1 });
    }
  });

  it("runs every task to its expected end and prints a table that matches the database", async (context) => {
    if (!(await createDatabase(name))) {
      context.skip();
      return;
    }
    created = true;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const dataDir = mkdtempSync(join(tmpdir(), "tasks-demo-pg-"));
    const view = postgresView(url.toString());
    try {
      const run = await runDemo({ DATABASE_URL: url.toString(), DEMO_DATA_DIR: dataDir });
      expect(run.stdout).toContain(`Postgres at ${url.toString()}`);
      await checkRun(run, view);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      await view.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Creates database `name`; false (after a loud warning) when Postgres is unreachable outside CI. */
async function createDatabase(name: string): Promise<boolean> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await admin`CREATE DATABASE ${admin(name)}`;
    return true;
  } catch (error) {
    if (process.env.CI || !isConnectionError(error)) {
      throw new Error(`Could not create the demo's Postgres database at ${ADMIN_URL}.`, { cause: error });
    }
    console.warn(`\n!!! Postgres at ${ADMIN_URL} is not reachable: SKIPPING the demo's Postgres smoke test (set DATABASE_URL). !!!\n`);
    return false;
  } finally {
    await admin.end({ timeout: 1 });
  }
}

/** Network-level failures (by error code), as opposed to SQL errors from a reachable server. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && ["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "CONNECT_TIMEOUT", "ECONNRESET"].includes(code);
}
