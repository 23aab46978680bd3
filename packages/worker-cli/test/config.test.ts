import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteDatabase, type TestDatabase } from "./helpers/databases.js";
import { FIXTURES_DIR, run } from "./helpers/spawn.js";

const broken = (name: string) => join(FIXTURES_DIR, "broken", name);

describe("config loading", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createSqliteDatabase();
  });
  afterAll(async () => {
    await database.dispose();
  });

  it("says where it looked when no config is found", async () => {
    const empty = mkdtempSync(join(tmpdir(), "tasks-cli-empty-"));
    for (const binary of ["db-worker", "prune"] as const) {
      const exit = await run(binary, [], { cwd: empty });
      expect(exit.code).toBe(2);
      expect(exit.stderr).toContain(`No tasks config found in ${empty}`);
      expect(exit.stderr).toContain("tasks.config.ts");
    }
  });

  it("names the file and the problem for a config with a syntax error", async () => {
    const exit = await run("db-worker", ["--config", broken("syntax.config.ts")]);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain(`Could not load the tasks config ${broken("syntax.config.ts")}`);
  });

  it("names the file for a config without a default export", async () => {
    const exit = await run("prune", ["--config", broken("no-default.config.ts")]);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain(`The tasks config ${broken("no-default.config.ts")} has no default export`);
  });

  it("names a task module that cannot be loaded and the config listing it", async () => {
    const exit = await run("db-worker", ["--config", broken("missing-task-module.config.ts"), "--no-startup-delay"], { env: database.env });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('Could not load task module "./does-not-exist.ts"');
    expect(exit.stderr).toContain(broken("missing-task-module.config.ts"));
  });

  it("refuses an in-process memory backend for db-worker", async () => {
    const byDefault = await run("db-worker", ["--config", broken("memory-only.config.ts"), "--no-startup-delay"]);
    expect(byDefault.code).toBe(2);
    expect(byDefault.stderr).toContain("The default backend is a memory backend");
    const byFlag = await run("db-worker", ["--backend", "memory", "--no-startup-delay", "--batch"], { env: database.env });
    expect(byFlag.code).toBe(2);
    expect(byFlag.stderr).toContain('Invalid value "memory" for --backend');
  });

  it("names an unknown --backend alias and lists the configured ones", async () => {
    const exit = await run("prune", ["--backend", "nope"], { env: database.env });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('Invalid value "nope" for --backend');
    expect(exit.stderr).toContain("default, memory");
  });

  it("finds tasks.config.ts in the current directory and loads it without a build step", async () => {
    const exit = await run("db-worker", ["--batch", "--no-startup-delay", "--log-format", "json", "--log-level", "info"], { env: database.env });
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toContain('"stoppedBy":"batch"');
  });
});
