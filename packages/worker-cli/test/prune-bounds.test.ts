import { Worker } from "@tasks/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TestDatabase } from "./helpers/databases.js";
import { DIALECTS } from "./helpers/dialects.js";
import { run } from "./helpers/spawn.js";
import { clockAgo, row, stopUsingDatabase, useDatabase } from "./helpers/tasks-db.js";
import { failTask, sleepTask } from "./fixtures/tasks.js";

const DAY = 86_400_000;

/**
 * Bad `prune` flags against a real database: each exits 2 before deleting anything. Before
 * --keep was bounded, about 2,000 years made the cutoff a date Postgres refused (a stack
 * trace, exit 1).
 */
const BAD: ReadonlyArray<readonly [string[], string, string?]> = [
  [["--keep", "2000000d"], "--keep", "from 0s to 36525d (100 years)"],
  [["--keep", "730500d"], "--keep", "from 0s to 36525d (100 years)"],
  [["--keep", "0s", "--keep-failed", "104400w"], "--keep-failed", "(got 730800d)"],
  [["--keep", "36526d"], "--keep"],
  [["--keep", "7"], "--keep"],
  [["--keep-failed", "-1d"], "--keep-failed"],
  [["--keep", "0s", "--batch-size", "0"], "--batch-size"],
  [["--keep", "0s", "--queue", ","], "--queue"],
  [["--keep", "0s", "--dry-run=1"], "--dry-run"],
  [["--keep", "0s", "--backend", ""], "--backend"],
  [["--keep", "0s", "--backend", "nope"], "--backend", "has no backend with that alias"],
  [["--keep", "0s", "--backend", "memory"], "--backend", "memory backend"],
];

describe.each(DIALECTS)("prune's thresholds on $name", (dialect) => {
  let database: TestDatabase;
  let ids: string[];

  beforeEach(async (context) => {
    if (dialect.skip) context.skip(dialect.skip);
    database = await dialect.create();
    useDatabase(database, clockAgo(20 * DAY));
    const results = await Promise.all([sleepTask.enqueue("a", 0), sleepTask.enqueue("b", 0), failTask.enqueue()]);
    await new Worker({ queues: "*", batch: true, pollIntervalMs: 20 }).run();
    const ready = await sleepTask.using({ queueName: "parked" }).enqueue("ready", 0);
    await stopUsingDatabase();
    useDatabase(database);
    ids = [...results, ready].map((result) => result.id);
  });

  afterEach(async (context) => {
    if (dialect.skip) return;
    await stopUsingDatabase();
    await database.dispose(context.task.result?.state === "fail");
  });

  async function statuses(): Promise<Array<string | undefined>> {
    return Promise.all(ids.map(async (id) => (await row(id))?.status));
  }

  it("refuses thresholds past 100 years and every other bad flag with exit 2, and changes no stored task", async () => {
    const before = await statuses();
    expect(before).toEqual(["SUCCESSFUL", "SUCCESSFUL", "FAILED", "READY"]);
    const failures: string[] = [];
    for (let i = 0; i < BAD.length; i += 4) {
      await Promise.all(
        BAD.slice(i, i + 4).map(async ([args, flag, text]) => {
          const exit = await run("tasks", ["prune", ...args], { env: database.env });
          const ok = exit.code === 2 && exit.stderr.includes(flag) && (text === undefined || exit.stderr.includes(text)) && !/\n\s+at /.test(exit.stderr);
          if (!ok) failures.push(`prune ${args.join(" ")} → code ${exit.code}, stderr: ${exit.stderr.trim()}`);
        }),
      );
    }
    expect(failures).toEqual([]);
    expect(await statuses()).toEqual(before);
  }, 240_000);

  it("accepts the longest threshold, 100 years, and deletes nothing younger; 0s then deletes the finished rows", async () => {
    const longest = await run("tasks", ["prune", "--keep", "36525d", "--keep-failed", "36525d"], { env: database.env });
    expect(longest.code, longest.stderr).toBe(0);
    expect(longest.stdout).toContain("Deleted 0 finished task rows");
    const dryRun = await run("prune", ["--keep", "5217w6d", "--dry-run"], { env: database.env });
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain("Would delete 0 finished task rows");
    expect(await statuses()).toEqual(["SUCCESSFUL", "SUCCESSFUL", "FAILED", "READY"]);
    const everything = await run("tasks", ["prune", "--keep", "0s"], { env: database.env });
    expect(everything.code, everything.stderr).toBe(0);
    expect(everything.stdout).toContain("Deleted 3 finished task rows");
    expect(await statuses()).toEqual([undefined, undefined, undefined, "READY"]);
  }, 120_000);
});
