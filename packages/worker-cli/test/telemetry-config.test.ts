/** The `telemetry` and `shutdownTelemetry` keys of the tasks config: mistakes, and the commands besides `tasks worker`. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteDatabase, type TestDatabase } from "./helpers/databases.js";
import { FIXTURES_DIR, run } from "./helpers/spawn.js";

const broken = (name: string) => join(FIXTURES_DIR, "broken", name);
const FAST = ["--no-startup-delay", "--batch"];

describe("telemetry in the tasks config", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createSqliteDatabase();
  });
  afterAll(async () => {
    await database.dispose();
  });

  it.for([
    ["telemetry-not-called.config.ts", '"telemetry" in the tasks config', "is a function, not what it makes: call it (telemetry: openTelemetry(), not telemetry: openTelemetry)."],
    ["telemetry-half-made.config.ts", '"telemetry" in the tasks config', 'must be made by openTelemetry() from "@tasks/core/otel" (the object given has no attempt, storage, uninstall methods).'],
    ["telemetry-shutdown-alone.config.ts", "The tasks config", 'has "shutdownTelemetry" but no "telemetry"'],
  ] as const)("refuses %s with exit 2, naming the file and the fix, in tasks worker and tasks status", async ([file, before, after]) => {
    for (const args of [["worker", ...FAST], ["status"]]) {
      const exit = await run("tasks", [...args, "--config", broken(file)], { env: database.env });
      expect(exit.code, exit.stderr).toBe(2);
      expect(exit.stderr).toContain(`${before} ${broken(file)} ${after}`);
      expect(exit.stdout).not.toContain("Worker started");
    }
  });

  it("tasks status and tasks prune load a config with telemetry and call its shutdownTelemetry before they exit", async () => {
    for (const args of [["status"], ["prune", "--keep", "1d", "--dry-run"]]) {
      const spansFile = join(mkdtempSync(join(tmpdir(), "tasks-cli-spans-")), "spans.jsonl");
      const exit = await run("tasks", [...args, "--config", "telemetry.config.ts"], { env: { ...database.env, TASKS_CLI_TEST_SPANS: spansFile } });
      expect(exit.code, exit.stderr).toBe(0);
      expect(readFileSync(spansFile, "utf8")).toBe('{"shutdown":true}\n');
    }
  });
});
