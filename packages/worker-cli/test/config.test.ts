import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteDatabase, type TestDatabase } from "./helpers/databases.js";
import { FIXTURES_DIR, run } from "./helpers/spawn.js";

const broken = (name: string) => join(FIXTURES_DIR, "broken", name);
const FAST = ["--no-startup-delay", "--batch"];

describe("config loading and config mistakes", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createSqliteDatabase();
  });
  afterAll(async () => {
    await database.dispose();
  });

  it("says where it looked when no config is found", async () => {
    const empty = mkdtempSync(join(tmpdir(), "tasks-cli-empty-"));
    for (const [binary, args] of [["db-worker", []], ["prune", []], ["tasks", ["migrate"]], ["tasks", ["status"]]] as const) {
      const exit = await run(binary, args, { cwd: empty });
      expect(exit.code, exit.stderr).toBe(2);
      expect(exit.stderr).toContain(`No tasks config found in ${empty}`);
      expect(exit.stderr).toContain("tasks.config.ts, tasks.config.mts, tasks.config.cts, tasks.config.js, tasks.config.mjs, tasks.config.cjs");
    }
  });

  it("names the file and the problem for a config with a syntax error", async () => {
    const exit = await run("tasks", ["worker", "--config", broken("syntax.config.ts")]);
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain(`Could not load the tasks config ${broken("syntax.config.ts")}`);
  });

  it("names the file for a config without a default export", async () => {
    const exit = await run("prune", ["--config", broken("no-default.config.ts")]);
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain(`The tasks config ${broken("no-default.config.ts")} has no default export`);
  });

  it("names a misspelt config key and the key it was probably meant to be", async () => {
    const exit = await run("tasks", ["worker", "--config", broken("typo-key.config.ts"), ...FAST], { env: database.env });
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain(`The tasks config ${broken("typo-key.config.ts")} has an unknown key "task". Did you mean "tasks"?`);
    expect(exit.stderr).not.toContain("Worker started");
  });

  it("names a misspelt key in a backend alias's settings", async () => {
    const exit = await run("tasks", ["status", "--config", broken("settings-typo.config.ts")], { env: database.env });
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain('Backend alias "default" in the tasks config');
    expect(exit.stderr).toContain('has an unknown key "queue". Did you mean "queues"?');
  });

  it("refuses a lease longer than a day in a backend alias's settings (core's bound), naming the key and the value", async () => {
    for (const args of [["worker", ...FAST], ["status"]]) {
      const exit = await run("tasks", [...args, "--config", broken("long-lease.config.ts")], { env: database.env });
      expect(exit.code, exit.stderr).toBe(2);
      expect(exit.stderr).toContain(`The tasks config ${broken("long-lease.config.ts")} is invalid`);
      expect(exit.stderr).toMatch(/leaseMs 2,?592,?000,?000 for backend alias "default"/);
      expect(exit.stdout).not.toContain("Worker started");
    }
  });

  it("refuses to start a worker whose config lists no task modules, while prune still runs", async () => {
    const worker = await run("tasks", ["worker", "--config", broken("no-task-modules.config.ts"), ...FAST], { env: database.env });
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain("lists no task modules, so a worker would know no tasks");
    expect(worker.stdout).not.toContain("Worker started");
    const prune = await run("tasks", ["prune", "--config", broken("no-task-modules.config.ts")], { env: database.env });
    expect(prune.code, prune.stderr).toBe(0);
  });

  it("refuses to start a worker whose task modules register no task", async () => {
    const exit = await run("db-worker", ["--config", broken("no-tasks-registered.config.ts"), ...FAST], { env: database.env });
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain("registered no tasks");
  });

  it("names a task module that cannot be loaded and the config listing it", async () => {
    const exit = await run("db-worker", ["--config", broken("missing-task-module.config.ts"), "--no-startup-delay"], { env: database.env });
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain('Could not load task module "./does-not-exist.ts"');
    expect(exit.stderr).toContain(broken("missing-task-module.config.ts"));
  });

  it("refuses --queue names the backend alias does not allow, naming the allowed ones", async () => {
    const config = join(FIXTURES_DIR, "restricted-queues.config.ts");
    const refused = await run("tasks", ["worker", "--config", config, "--queue", "default,reports", ...FAST], { env: database.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('backend "default" does not allow queue "reports"');
    expect(refused.stderr).toContain("allow only default, emails");
    const allowed = await run("tasks", ["worker", "--config", config, "--queue", "emails", ...FAST], { env: database.env });
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it("refuses an in-process memory backend for every command", async () => {
    const byDefault = await run("db-worker", ["--config", broken("memory-only.config.ts"), "--no-startup-delay"]);
    expect(byDefault.code).toBe(2);
    expect(byDefault.stderr).toContain("The default backend is a memory backend");
    const byFlag = await run("tasks", ["worker", "--backend", "memory", ...FAST], { env: database.env });
    expect(byFlag.code).toBe(2);
    expect(byFlag.stderr).toContain('Invalid value "memory" for --backend');
    for (const [binary, args] of [["prune", []], ["tasks", ["prune"]], ["tasks", ["status"]], ["tasks", ["schedules"]]] as const) {
      const exit = await run(binary, [...args, "--backend", "memory"], { env: database.env });
      expect(exit.code, `${binary} ${args.join(" ")}`).toBe(2);
      expect(exit.stderr).toContain("is a memory backend");
      expect(exit.stderr).toContain("runs in a separate process, cannot see them");
    }
    const migrate = await run("tasks", ["migrate", "--backend", "memory"], { env: database.env });
    expect(migrate.code).toBe(2);
    expect(migrate.stderr).toContain('Backend "memory" (memory, in the tasks config');
    expect(migrate.stderr).toContain("keeps its tasks in memory, so it has no tables to migrate");
  });

  it("names an unknown --backend alias and lists the configured ones", async () => {
    const exit = await run("prune", ["--backend", "nope"], { env: database.env });
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain('Invalid value "nope" for --backend');
    expect(exit.stderr).toContain("default, memory");
  });

  it("finds tasks.config.ts in the current directory and loads it without a build step", async () => {
    const exit = await run("tasks", ["worker", ...FAST, "--log-format", "json", "--log-level", "info"], { env: database.env });
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toContain('"stoppedBy":"batch"');
  });
});
