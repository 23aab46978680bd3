// The CLI as a project installs it: compiled packages in node_modules, the project's own
// module format, tsx present or not. Each test is a real project folder and real processes.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { sqliteBackend } from "@tasks/backend-drizzle/sqlite";
import { closeTasks, configureTasks, getTaskResult, task } from "@tasks/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildInstalledPackages, createProject } from "./helpers/installed-packages.js";
import { Running, type Exit } from "./helpers/spawn.js";

/** The task every project defines; the test process enqueues it by name. */
const greet = task({ name: "installed.greet" }, async (who: string): Promise<string> => `hello ${who}`);

const TS_CONFIG = `import { sqliteBackend } from "@tasks/backend-drizzle/sqlite";
import { defineConfig } from "@tasks/worker-cli";

export default defineConfig({ backends: { default: sqliteBackend({ path: "./tasks.db" }) }, tasks: ["./src/tasks.EXT"] });
`;
const TS_TASKS = `import { task } from "@tasks/core";

export const greet = task({ name: "installed.greet" }, async (who: string): Promise<string> => \`hello \${who}\`);
`;
const CJS_CONFIG = `const { sqliteBackend } = require("@tasks/backend-drizzle/sqlite");
const { defineConfig } = require("@tasks/worker-cli");

module.exports = defineConfig({ backends: { default: sqliteBackend({ path: "./tasks.db" }) }, tasks: ["./src/tasks.js"] });
`;
const CJS_TASKS = `const { task } = require("@tasks/core");

exports.greet = task({ name: "installed.greet" }, async (who) => \`hello \${who}\`);
`;
const ESM_CONFIG = `import { sqliteBackend } from "@tasks/backend-drizzle/sqlite";
import { defineConfig } from "@tasks/worker-cli";

export default defineConfig({ backends: { default: sqliteBackend({ path: "./tasks.db" }) }, tasks: ["./src/tasks.js"] });
`;
const ESM_TASKS = `import { task } from "@tasks/core";

export const greet = task({ name: "installed.greet" }, async (who) => \`hello \${who}\`);
`;

/**
 * Runs `tasks …` the way a package manager's bin shim would: node on node_modules/.bin/tasks,
 * in the project folder. Without NODE_PATH, which pnpm sets for its scripts (pointing at this
 * repository's store, where tsx is), so the project resolves only what it installed.
 */
function tasks(project: string, args: readonly string[]): Promise<Exit> {
  const { NODE_PATH: _storePath, ...env } = process.env;
  const child = spawn(process.execPath, [join(project, "node_modules", ".bin", "tasks"), ...args], { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
  return new Running(child).exited;
}

/** Migrates the project's database, enqueues one task from this process, runs a --batch worker, and returns the task's result. */
async function runOneTask(project: string): Promise<{ worker: Exit; status: string; returnValue: unknown }> {
  const migrate = await tasks(project, ["migrate"]);
  expect(migrate.code, migrate.stderr).toBe(0);
  configureTasks({ backends: { default: sqliteBackend({ path: join(project, "tasks.db") }) } });
  try {
    const enqueued = await greet.enqueue("world");
    const worker = await tasks(project, ["worker", "--batch", "--no-startup-delay"]);
    const result = await getTaskResult(enqueued.id);
    return { worker, status: result.status, returnValue: result.isFinished && result.status === "SUCCESSFUL" ? result.returnValue : null };
  } finally {
    await closeTasks();
  }
}

describe("an installed CLI", () => {
  let withTsx: string;
  let withoutTsx: string;
  beforeAll(() => {
    withTsx = buildInstalledPackages({ tsx: true });
    withoutTsx = buildInstalledPackages({ tsx: false });
  });

  afterEach(async () => {
    await closeTasks();
  });

  it("loads a TypeScript config and task modules in a CommonJS project, with one @tasks/core for config, tasks and CLI", async () => {
    const project = createProject(withTsx, { esm: false, files: { "tasks.config.ts": TS_CONFIG.replace("EXT", "ts"), "src/tasks.ts": TS_TASKS } });
    const { worker, status, returnValue } = await runOneTask(project);
    expect(worker.code, worker.stderr).toBe(0);
    expect(worker.stdout).toContain("tasks=1");
    expect(status).toBe("SUCCESSFUL");
    expect(returnValue).toBe("hello world");
  });

  it("loads tasks.config.cts and .cts task modules, even in an ES-module project", async () => {
    const project = createProject(withTsx, { esm: true, files: { "tasks.config.cts": TS_CONFIG.replace("EXT", "cts"), "src/tasks.cts": TS_TASKS } });
    const { worker, status } = await runOneTask(project);
    expect(worker.code, worker.stderr).toBe(0);
    expect(status).toBe("SUCCESSFUL");
  });

  it("loads a TypeScript config in an ES-module project", async () => {
    const project = createProject(withTsx, { esm: true, files: { "tasks.config.ts": TS_CONFIG.replace("EXT", "ts"), "src/tasks.ts": TS_TASKS } });
    const { worker, status } = await runOneTask(project);
    expect(worker.code, worker.stderr).toBe(0);
    expect(status).toBe("SUCCESSFUL");
  });

  it("reports a backend package that fails to load, named by a TypeScript config (the CLI loads it before tsx)", async () => {
    // The postgres driver is not installed in these projects, so @tasks/backend-drizzle/pg cannot load.
    const config = TS_CONFIG.replace("sqliteBackend } from \"@tasks/backend-drizzle/sqlite\"", "postgresBackend } from '@tasks/backend-drizzle/pg'").replace(
      'sqliteBackend({ path: "./tasks.db" })',
      'postgresBackend({ url: "postgres://tasks@127.0.0.1:1/tasks" })',
    );
    const project = createProject(withTsx, { esm: true, files: { "tasks.config.ts": config.replace("EXT", "ts"), "src/tasks.ts": TS_TASKS } });
    const exit = await tasks(project, ["worker", "--batch", "--no-startup-delay"]);
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain(`Could not load the tasks config ${join(project, "tasks.config.ts")}: Error: Cannot find package 'postgres'`);
    expect(exit.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("runs a compiled CommonJS config (tasks.config.cjs) with JavaScript task modules without tsx installed", async () => {
    const project = createProject(withoutTsx, { esm: false, files: { "tasks.config.cjs": CJS_CONFIG, "src/tasks.js": CJS_TASKS } });
    const { worker, status, returnValue } = await runOneTask(project);
    expect(worker.code, worker.stderr).toBe(0);
    expect(status).toBe("SUCCESSFUL");
    expect(returnValue).toBe("hello world");
  });

  it("runs a JavaScript ES-module config (tasks.config.js in a \"type\": \"module\" project) without tsx installed", async () => {
    const project = createProject(withoutTsx, { esm: true, files: { "tasks.config.js": ESM_CONFIG, "src/tasks.js": ESM_TASKS } });
    const { worker, status } = await runOneTask(project);
    expect(worker.code, worker.stderr).toBe(0);
    expect(status).toBe("SUCCESSFUL");
  });

  it("says to install tsx when the config is TypeScript and tsx is not installed", async () => {
    const project = createProject(withoutTsx, { esm: true, files: { "tasks.config.ts": TS_CONFIG.replace("EXT", "ts"), "src/tasks.ts": TS_TASKS } });
    for (const args of [["worker"], ["migrate"], ["status"]]) {
      const exit = await tasks(project, args);
      expect(exit.code, exit.stderr).toBe(2);
      expect(exit.stderr).toContain(`The tasks config (${join(project, "tasks.config.ts")}) is TypeScript`);
      expect(exit.stderr).toContain("npm install -D tsx");
      expect(exit.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
  });

  it("serves tasks dashboard from the published @tasks/dashboard (a dependency of the CLI) until SIGTERM", async () => {
    const project = createProject(withoutTsx, { esm: true, files: { "tasks.config.js": ESM_CONFIG, "src/tasks.js": ESM_TASKS } });
    expect((await tasks(project, ["migrate"])).code).toBe(0);
    const { NODE_PATH: _storePath, ...env } = process.env;
    const child = spawn(process.execPath, [join(project, "node_modules", ".bin", "tasks"), "dashboard", "--port", "0"], { cwd: project, env: { ...env, TASKS_DASHBOARD_TOKEN: "installed-dashboard-token" }, stdio: ["ignore", "pipe", "pipe"] });
    const dashboard = new Running(child);
    try {
      const deadline = Date.now() + 20_000;
      let url: string | undefined;
      while (url === undefined && child.exitCode === null && Date.now() < deadline) {
        url = /^Dashboard for backend default: (\S+)$/m.exec(dashboard.stdout)?.[1];
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(url, `stdout:\n${dashboard.stdout}\nstderr:\n${dashboard.stderr}`).toBeDefined();
      const overview = await fetch(url!, { headers: { authorization: "Bearer installed-dashboard-token" } });
      expect(overview.status).toBe(200);
      expect(await overview.text()).toContain('data-backend="default"');
    } finally {
      child.kill("SIGTERM");
    }
    const exit = await dashboard.exited;
    expect(exit.code, exit.stderr).toBe(0);
  });

  it("says to install tsx when a JavaScript config lists a TypeScript task module and tsx is not installed", async () => {
    const config = ESM_CONFIG.replace("./src/tasks.js", "./src/tasks.ts");
    const project = createProject(withoutTsx, { esm: true, files: { "tasks.config.js": config, "src/tasks.ts": TS_TASKS } });
    expect((await tasks(project, ["migrate"])).code).toBe(0);
    const exit = await tasks(project, ["worker", "--batch", "--no-startup-delay"]);
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain('Task module "./src/tasks.ts"');
    expect(exit.stderr).toContain("npm install -D tsx");
  });
});
