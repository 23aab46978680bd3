import { afterEach, describe, expect, it } from "vitest";
import { ADMIN_URL, postgresEnv, type TestDatabase } from "./helpers/databases.js";
import { DIALECTS, POSTGRES_UP } from "./helpers/dialects.js";
import { run, type Exit } from "./helpers/spawn.js";

const WORKER = ["worker", "--batch", "--no-startup-delay"];

/** The worker refused to start: exit 1, one line on stderr, no stack, no SQL, no "Worker started". */
function expectOneLineRefusal(exit: Exit): string {
  expect(exit.code, exit.stderr).toBe(1);
  expect(exit.stdout).not.toContain("Worker started");
  const lines = exit.stderr.trimEnd().split("\n");
  expect(lines, exit.stderr).toHaveLength(1);
  expect(exit.stderr).not.toMatch(/\n\s+at |Failed query|select |SELECT /);
  return lines[0] as string;
}

function urlWith(change: (url: URL) => void): string {
  const url = new URL(ADMIN_URL);
  change(url);
  return url.href;
}

describe.runIf(POSTGRES_UP)("start-up checks on Postgres", () => {
  it("a closed port: the worker, prune and status each print the cause in one line and exit 1", async () => {
    const env = postgresEnv(urlWith((url) => (url.port = "5499")));
    // --startup-timeout 0: check once (test/startup-retry.test.ts covers the retries).
    for (const args of [[...WORKER, "--startup-timeout", "0"], ["prune"], ["status"]]) {
      const line = expectOneLineRefusal(await run("tasks", args, { env }));
      expect(line).toContain(`tasks ${args[0]}: `);
      expect(line).toContain("127.0.0.1:5499");
      expect(line).toContain("connection refused");
    }
    const migrate = await run("tasks", ["migrate"], { env });
    expect(expectOneLineRefusal(migrate)).toContain("127.0.0.1:5499");
  });

  it("a database that does not exist", async () => {
    const env = postgresEnv(urlWith((url) => (url.pathname = "/tasks_cli_no_such_database")));
    const line = expectOneLineRefusal(await run("db-worker", WORKER.slice(1), { env }));
    expect(line).toMatch(/^db-worker: /);
    expect(line).toContain('"tasks_cli_no_such_database"');
  });
});

describe.each(DIALECTS)("start-up checks on $name", (dialect) => {
  let database: TestDatabase | undefined;

  afterEach(async (context) => {
    await database?.dispose(context.task.result?.state === "fail");
    database = undefined;
  });

  it("a database without the task tables: the worker says to run tasks migrate", async (context) => {
    if (dialect.skip) context.skip(dialect.skip);
    database = await dialect.create({ migrated: false });
    const line = expectOneLineRefusal(await run("tasks", WORKER, { env: database.env }));
    expect(line).toContain("tasks migrate");
    const status = expectOneLineRefusal(await run("tasks", ["status"], { env: database.env }));
    expect(status).toContain("tasks migrate");
  });
});
