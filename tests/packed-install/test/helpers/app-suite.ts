/**
 * The quick start every fresh application goes through: the README's npx commands, then
 * its pnpm commands, with the database checked after each step.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, it, onTestFailed } from "vitest";
import { createApp, type FreshApp, type ModuleKind } from "../../src/app.js";
import { explain, type CommandResult } from "../../src/exec.js";
import { startPrebuiltMirror, type PrebuiltMirror } from "../../src/prebuilt-mirror.js";
import { printedIds, runReadmeCommand, type ReadmeCommand } from "../../src/quick-start.js";
import { storedStatuses } from "../../src/sqlite-rows.js";

/** Fails with the command's output unless it exited 0. */
export function expectOk(result: CommandResult): CommandResult {
  expect(result.exitCode === 0 && !result.timedOut, explain(result)).toBe(true);
  return result;
}

/** Declares the tests of one fresh application; `files` are written into it after the install. */
export function describeFreshApp(kind: ModuleKind, files: () => Record<string, string>): { app: () => FreshApp } {
  let mirror: PrebuiltMirror | undefined;
  let app: FreshApp | undefined;
  let install: CommandResult | undefined;
  let failed = false;
  const current = (): FreshApp => {
    if (!app) throw new Error("the app was not created");
    return app;
  };
  const step = async (name: ReadmeCommand, ids: readonly string[] = []) => expectOk(await runReadmeCommand(current(), name, ids));
  const database = () => join(current().dir, "data", "tasks.db");

  beforeAll(async () => {
    mirror = await startPrebuiltMirror();
    ({ app, install } = await createApp(kind, inject("packed").packages, mirror?.env ?? {}));
    app.write(files());
  });
  afterAll(async () => {
    const npmCache = app ? (await app.run("npm", ["config", "get", "cache"])).stdout.trim() : undefined;
    await mirror?.close(npmCache || undefined);
    if (failed) console.log(`kept the ${kind} app for a look: ${app?.dir}`);
    else app?.remove();
  });

  it("installs with npm; better-sqlite3's install script takes the prebuilt binary instead of compiling", () => {
    onTestFailed(() => void (failed = true));
    console.log(`${kind} app: npm install took ${((install?.durationMs ?? 0) / 1000).toFixed(1)} s`);
    expect(mirror, "the workspace's better-sqlite3 build was not found").toBeDefined();
    expect(mirror!.requests.filter((path) => path.endsWith(".tar.gz"))).toHaveLength(1);
    expect(existsSync(join(current().dir, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"))).toBe(true);
  });

  it("runs the quick start with npx: migrate, enqueue, worker --batch, report, prune", async () => {
    onTestFailed(() => void (failed = true));
    await step("migrate");
    expect(existsSync(database())).toBe(true);
    expect(storedStatuses(database())).toEqual([]);

    const ids = printedIds((await step("enqueue")).stdout);
    expect(ids).toHaveLength(2);
    expect(storedStatuses(database())).toEqual([
      { taskName: "emails.welcome", status: "READY" },
      { taskName: "reports.monthly", status: "READY" },
    ]);

    await step("worker");
    const report = (await step("report", ids)).stdout.trim().split("\n");
    expect(report).toEqual(['emails.welcome SUCCESSFUL {"sent":true,"userId":42}', 'reports.monthly SUCCESSFUL {"month":"2026-11","rows":42}']);

    await step("prune"); // both rows are younger than 14 days: kept
    expect(storedStatuses(database())).toHaveLength(2);
    expectOk(await current().npx(["tasks", "prune", "--keep", "0s"]));
    expect(storedStatuses(database())).toEqual([]);
  });

  it("runs the README's pnpm commands in the npm-installed app: pnpm tasks migrate, pnpm db-worker, pnpm exec prune", async () => {
    onTestFailed(() => void (failed = true));
    await step("pnpmMigrate");
    const ids = printedIds((await step("enqueue")).stdout);
    expect(ids).toHaveLength(2);
    await step("pnpmWorker");
    expect(storedStatuses(database()).map((row) => row.status)).toEqual(["SUCCESSFUL", "SUCCESSFUL"]);
    await step("pnpmPrune");
    expect(storedStatuses(database())).toHaveLength(2);
    expect(existsSync(join(current().dir, "pnpm-lock.yaml"))).toBe(false); // pnpm ran the app's bins, it did not reinstall
  });

  return { app: current };
}
