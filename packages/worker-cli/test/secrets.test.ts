import { describe, expect, it } from "vitest";
import { ADMIN_URL, postgresEnv } from "./helpers/databases.js";
import { POSTGRES_UP } from "./helpers/dialects.js";
import { FakePostgres } from "./helpers/fake-postgres.js";
import { run } from "./helpers/spawn.js";

/** A password no message would contain by chance. */
const PASSWORD = "Pw-distinctive-7q3ZKx";

/** Every command, with as much output as it gives (debug logs; the worker also retries once). */
const COMMANDS: ReadonlyArray<readonly string[]> = [
  ["worker", "--batch", "--no-startup-delay", "--startup-timeout", "1", "--log-level", "debug"],
  ["worker", "--batch", "--no-startup-delay", "--startup-timeout", "0", "--log-level", "debug", "--log-format", "json"],
  ["prune", "--keep", "1d"],
  ["status", "--json"],
  ["migrate"],
  ["migrate", "--check"],
];

/** `url` with {@link PASSWORD} as the password. */
function withPassword(url: string, change: (url: URL) => void = () => {}): string {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  change(parsed);
  return parsed.href;
}

/** Runs every command against `url`; each must fail (exit 1) without the password anywhere in its output. */
async function expectNoPassword(url: string): Promise<void> {
  const leaks: string[] = [];
  await Promise.all(
    COMMANDS.map(async (args) => {
      const exit = await run("tasks", args, { env: postgresEnv(url) });
      const output = `${exit.stdout}\n${exit.stderr}`;
      if (exit.code !== 1) leaks.push(`tasks ${args.join(" ")} exited ${exit.code}:\n${output}`);
      if (output.includes(PASSWORD) || output.includes(encodeURIComponent(PASSWORD))) leaks.push(`tasks ${args.join(" ")} printed the password:\n${output}`);
    }),
  );
  expect(leaks).toEqual([]);
}

describe("passwords never reach the output", () => {
  it("a server that cannot be reached (closed port)", async () => {
    await expectNoPassword(withPassword(ADMIN_URL, (url) => (url.port = "5499")));
  }, 120_000);

  it.runIf(POSTGRES_UP)("a database that does not exist", async () => {
    await expectNoPassword(withPassword(ADMIN_URL, (url) => (url.pathname = "/tasks_cli_no_such_database")));
  }, 120_000);

  it("a server that refuses the password, and one that is starting up", async () => {
    for (const mode of [
      { kind: "error", code: "28P01", message: 'password authentication failed for user "postgres"' },
      { kind: "error", code: "57P03", message: "the database system is starting up" },
    ] as const) {
      const fake = await FakePostgres.start(mode);
      try {
        await expectNoPassword(withPassword(`postgres://postgres@127.0.0.1:${fake.port}/test`));
      } finally {
        await fake.close();
      }
    }
  }, 180_000);
});
