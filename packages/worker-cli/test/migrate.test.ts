import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TestDatabase } from "./helpers/databases.js";
import { DIALECTS } from "./helpers/dialects.js";
import { run } from "./helpers/spawn.js";

const MIGRATION_NAME = /^ {2}\d{4}_\w+$/;

describe.each(DIALECTS)("tasks migrate on $name", (dialect) => {
  let database: TestDatabase;

  beforeEach(async (context) => {
    if (dialect.skip) context.skip(dialect.skip);
    database = await dialect.create({ migrated: false });
  });

  afterEach(async (context) => {
    if (dialect.skip) return;
    await database.dispose(context.task.result?.state === "fail");
  });

  it("--check lists the pending migrations and exits 1, then migrate applies them, and both say up to date afterwards", async () => {
    const before = await run("tasks", ["migrate", "--check"], { env: database.env });
    expect(before.code, before.stderr).toBe(1);
    const pending = before.stdout.split("\n").filter((line) => MIGRATION_NAME.test(line));
    expect(pending.length).toBeGreaterThan(0);
    expect(before.stdout).toContain(`${pending.length} pending migration`);
    expect(before.stdout).toContain('Apply them with "tasks migrate"');

    const applied = await run("tasks", ["migrate"], { env: database.env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout.split("\n").filter((line) => MIGRATION_NAME.test(line))).toEqual(pending);
    expect(applied.stdout).toContain(`Applied ${pending.length} migrations to backend "default"`);

    for (const args of [["migrate"], ["migrate", "--check"]]) {
      const again = await run("tasks", args, { env: database.env });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/^The task tables of backend "default" \(\w+\) are up to date\.\n$/);
      expect(again.stderr).toBe("");
    }
  });

  it("leaves a database a worker can start on", async () => {
    expect((await run("tasks", ["migrate"], { env: database.env })).code).toBe(0);
    const worker = await run("tasks", ["worker", "--batch", "--no-startup-delay"], { env: database.env });
    expect(worker.code, worker.stderr).toBe(0);
    expect(worker.stdout).toContain("Worker stopped.");
  });
});
