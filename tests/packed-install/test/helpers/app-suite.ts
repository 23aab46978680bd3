/**
 * The quick start every fresh application goes through: the README's npx commands (and,
 * where asked, its pnpm commands), with the database checked after each step.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, inject, it, onTestFailed } from "vitest";
import { openApp, type FreshApp, type ModuleKind } from "../../src/app.js";
import { explain, type CommandResult } from "../../src/exec.js";
import { printedIds, runReadmeCommand, type ReadmeCommand } from "../../src/quick-start.js";
import { storedStatuses } from "../../src/sqlite-rows.js";
import { KEEP_MARKER } from "../global-setup.js";

/** Fails with the command's output unless it exited 0. */
export function expectOk(result: CommandResult): CommandResult {
  expect(result.exitCode === 0 && !result.timedOut, explain(result)).toBe(true);
  return result;
}

/** Declares the tests of the prepared `kind` app; `files` are written into it first. */
export function describeFreshApp(kind: ModuleKind, files: () => Record<string, string>, options: { pnpm: boolean }): { app: () => FreshApp } {
  const prepared = inject("packed");
  const app = openApp(kind, prepared.apps[kind].dir);
  const step = async (name: ReadmeCommand, ids: readonly string[] = []) => expectOk(await runReadmeCommand(app, name, ids));
  const database = join(app.dir, "data", "tasks.db");
  const keepOnFailure = () => onTestFailed(() => writeFileSync(join(app.dir, KEEP_MARKER), ""));

  beforeAll(() => app.write(files()));

  it("installs with npm; better-sqlite3's install script takes the prebuilt binary instead of compiling", () => {
    keepOnFailure();
    console.log(`${kind} app: npm install took ${(prepared.apps[kind].installMs / 1000).toFixed(1)} s (better-sqlite3, drizzle-orm and tsx while packing, then the tarballs)`);
    expect(prepared.mirrorAvailable, "the workspace's better-sqlite3 build was not found").toBe(true);
    // One download at least: prebuild-install keeps what it downloaded, and the other app's install may take it from there.
    expect(prepared.prebuiltDownloads).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(app.dir, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"))).toBe(true);
  });

  it("runs the quick start with npx: migrate, enqueue, worker --batch, report, prune", async () => {
    keepOnFailure();
    await step("migrate");
    expect(existsSync(database)).toBe(true);
    expect(storedStatuses(database)).toEqual([]);

    const ids = printedIds((await step("enqueue")).stdout);
    expect(ids).toHaveLength(2);
    expect(storedStatuses(database)).toEqual([
      { taskName: "emails.welcome", status: "READY" },
      { taskName: "reports.monthly", status: "READY" },
    ]);

    await step("worker");
    const report = (await step("report", ids)).stdout.trim().split("\n");
    expect(report).toEqual(['emails.welcome SUCCESSFUL {"sent":true,"userId":42}', 'reports.monthly SUCCESSFUL {"month":"2026-11","rows":42}']);

    await step("prune"); // both rows are younger than 14 days: kept
    expect(storedStatuses(database)).toHaveLength(2);
    expectOk(await app.npx(["tasks", "prune", "--keep", "0s"]));
    expect(storedStatuses(database)).toEqual([]);
  });

  if (options.pnpm) {
    it("runs the README's pnpm commands in the npm-installed app: pnpm tasks migrate, pnpm db-worker, pnpm exec prune", async () => {
      keepOnFailure();
      await step("pnpmMigrate");
      const ids = printedIds((await step("enqueue")).stdout);
      expect(ids).toHaveLength(2);
      await step("pnpmWorker");
      expect(storedStatuses(database).map((row) => row.status)).toEqual(["SUCCESSFUL", "SUCCESSFUL"]);
      await step("pnpmPrune");
      expect(storedStatuses(database)).toHaveLength(2);
      expect(existsSync(join(app.dir, "pnpm-lock.yaml"))).toBe(false); // pnpm ran the app's bins; it did not install anything
    });
  }

  return { app: () => app };
}
