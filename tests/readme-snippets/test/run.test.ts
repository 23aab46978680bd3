/**
 * Snippets marked `<!-- snippet: run -->` run with tsx, each in an empty working folder with
 * DATABASE_URL set to a fresh Postgres database, and must exit 0 within 30 s. A run that
 * fails keeps its folder and database for a look.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectModules } from "../src/collect.js";
import { createDatabase } from "../src/databases.js";
import { writeProject, type SnippetProject } from "../src/project.js";
import { runModuleFile } from "../src/run.js";

const RUN_TIMEOUT_MS = 30_000;
const runnable = collectModules().modules.filter((module) => module.run);
let project: SnippetProject;
let failures = 0;

beforeAll(() => {
  project = writeProject(collectModules().modules);
});
afterAll(() => {
  if (failures === 0) project?.remove();
});

describe("README snippets marked to run", () => {
  it("include the set-up and test-clock recipes", () => {
    const names = runnable.map((module) => `${module.readme}:${module.snippets[0]!.line}`);
    expect(names.filter((name) => name.startsWith("packages/backend-drizzle/")).length).toBeGreaterThanOrEqual(2);
    expect(names.some((name) => name.startsWith("packages/backend-memory/"))).toBe(true);
  });

  it.each(runnable.map((module) => [`${module.readme}:${module.snippets[0]!.line}`, module] as const))(
    "%s runs to completion",
    async (name, module) => {
      const cwd = mkdtempSync(join(tmpdir(), "readme-snippet-run-"));
      const database = await createDatabase("snippet");
      const run = await runModuleFile(project.fileOf(module), {
        cwd,
        env: { ...process.env, DATABASE_URL: database.url },
        timeoutMs: RUN_TIMEOUT_MS,
      });
      const ok = run.exitCode === 0 && !run.timedOut;
      if (ok) {
        await database.drop();
        rmSync(cwd, { recursive: true, force: true });
      } else {
        failures++;
      }
      const outcome = run.timedOut ? `did not exit within ${RUN_TIMEOUT_MS / 1000} s` : `exited with ${run.exitCode}`;
      expect(ok, `${name} ${outcome} (kept: ${cwd}, ${database.url}, ${project.fileOf(module)})\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(true);
    },
    RUN_TIMEOUT_MS + 15_000,
  );
});
