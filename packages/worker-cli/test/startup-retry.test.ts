import { afterEach, describe, expect, it } from "vitest";
import { ADMIN_URL, postgresEnv, type TestDatabase } from "./helpers/databases.js";
import { DIALECTS, POSTGRES_UP } from "./helpers/dialects.js";
import { FakePostgres } from "./helpers/fake-postgres.js";
import { run, start, type Exit } from "./helpers/spawn.js";

const WORKER = ["worker", "--batch", "--no-startup-delay", "--log-format", "json"];
const STARTING_UP = { kind: "error", code: "57P03", message: "the database system is starting up" } as const;
const RETRY_WARNING = "The database cannot be used yet";

/** A fake server's URL for the fixture config. */
function fakeEnv(fake: FakePostgres, database = "test"): Record<string, string> {
  return postgresEnv(`postgres://postgres@127.0.0.1:${fake.port}/${database}`);
}

function urlWith(change: (url: URL) => void): string {
  const url = new URL(ADMIN_URL);
  change(url);
  return url.href;
}

/** Exit 1 with one line on stderr (no stack); returns the line. */
function oneLineFailure(exit: Exit): string {
  expect(exit.code, exit.stderr).toBe(1);
  expect(exit.stdout).not.toContain("Worker started.");
  const lines = exit.stderr.trimEnd().split("\n");
  expect(lines, exit.stderr).toHaveLength(1);
  return lines[0] as string;
}

async function timed<T>(work: Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work;
  return [result, performance.now() - started];
}

describe("a worker whose database is not usable at start-up", () => {
  let fake: FakePostgres | undefined;
  let database: TestDatabase | undefined;

  afterEach(async (context) => {
    await fake?.close();
    fake = undefined;
    await database?.dispose(context.task.result?.state === "fail");
    database = undefined;
  });

  it("retries a server that is starting up (57P03) and starts once it answers", async (context) => {
    const pg = DIALECTS.find((dialect) => dialect.name === "pg");
    if (!pg || pg.skip) return context.skip(pg?.skip ?? "no Postgres");
    database = await pg.create();
    const target = new URL(database.env.TASKS_CLI_TEST_PG_URL as string);
    fake = await FakePostgres.start(STARTING_UP);
    const worker = start("tasks", WORKER, { env: fakeEnv(fake, target.pathname.slice(1)) });
    await worker.waitForLog((line) => String(line.msg).startsWith(RETRY_WARNING));
    fake.mode = { kind: "forward", host: target.hostname, port: Number(target.port || 5432) };
    const exit = await worker.exited;
    expect(exit.code, exit.stderr).toBe(0);
    const messages = worker.logLines.map((line) => String(line.msg));
    expect(messages.filter((message) => message.startsWith(RETRY_WARNING))).toHaveLength(1);
    expect(messages.find((message) => message.startsWith(RETRY_WARNING))).toContain("(57P03)");
    expect(messages.some((message) => message.startsWith("The database is usable now, after"))).toBe(true);
    expect(messages).toContain("Worker started.");
  }, 60_000);

  it("gives up after --startup-timeout with one line and exit 1", async () => {
    fake = await FakePostgres.start(STARTING_UP);
    const [exit, elapsed] = await timed(run("tasks", [...WORKER, "--startup-timeout", "2"], { env: fakeEnv(fake) }));
    const line = oneLineFailure(exit);
    expect(line).toMatch(/^tasks worker: Cannot connect to Postgres at 127\.0\.0\.1:\d+: .*\(57P03\)/);
    expect(line).toMatch(/\(Still failing after \d+ checks over [\d.]+s: gave up at --startup-timeout 2s\.\)$/);
    expect(fake.connections).toBeGreaterThanOrEqual(3);
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
  }, 60_000);

  it("retries a refused connection for --startup-timeout, then exits 1", async () => {
    const env = postgresEnv(urlWith((url) => (url.port = "5499")));
    const [exit, elapsed] = await timed(run("db-worker", WORKER.slice(1).concat("--startup-timeout", "1"), { env }));
    const line = oneLineFailure(exit);
    expect(line).toContain("db-worker: Cannot connect to Postgres at 127.0.0.1:5499: connection refused.");
    expect(line).toContain("gave up at --startup-timeout 1s.");
    expect(exit.stdout).toContain(RETRY_WARNING);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
  }, 60_000);

  it("stops with exit 0 on SIGTERM while retrying", async () => {
    fake = await FakePostgres.start(STARTING_UP);
    const worker = start("tasks", WORKER, { env: fakeEnv(fake) });
    await worker.waitForLog((line) => String(line.msg).startsWith(RETRY_WARNING));
    worker.child.kill("SIGTERM");
    const exit = await worker.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(worker.logLines.map((line) => line.msg)).toContain("Stopped before the first claim.");
    expect(exit.stdout).not.toContain("Worker started.");
  }, 60_000);

  it("does not retry a refused password (28P01): exit 1 at once", async () => {
    fake = await FakePostgres.start({ kind: "error", code: "28P01", message: 'password authentication failed for user "postgres"' });
    const exit = await run("tasks", WORKER, { env: fakeEnv(fake) });
    expect(oneLineFailure(exit)).toContain('refused the password for user "postgres" (28P01)');
    expect(exit.stdout).not.toContain(RETRY_WARNING);
    expect(fake.connections).toBeLessThanOrEqual(2);
  }, 60_000);

  it.runIf(POSTGRES_UP)("does not retry a missing database or a missing role: exit 1 at once", async () => {
    const cases = [
      [urlWith((url) => (url.pathname = "/tasks_cli_no_such_database")), '"tasks_cli_no_such_database" (3D000)'],
      [urlWith((url) => (url.username = "tasks_cli_no_such_role")), 'role "tasks_cli_no_such_role" does not exist'],
    ] as const;
    for (const [url, expected] of cases) {
      const exit = await run("tasks", WORKER, { env: postgresEnv(url) });
      expect(oneLineFailure(exit)).toContain(expected);
      expect(exit.stdout).not.toContain(RETRY_WARNING);
    }
  }, 90_000);
});
