// Measures `tasks worker` as a project installs it: time from spawn to the "Worker started."
// log line, and resident memory once idle, for a TypeScript config under tsx and a compiled
// JavaScript config without tsx, on SQLite. Median of RUNS runs each.
//   pnpm --filter @tasks/worker-cli measure:startup
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { buildInstalledPackages, createProject } from "../test/helpers/installed-packages.js";

const RUNS = Number(process.env.RUNS ?? 5);
/** How long the worker sits idle (polling) before its memory is read. */
const IDLE_MS = 3_000;

const TS_FILES = {
  "tasks.config.ts": `import { sqliteBackend } from "@tasks/backend-drizzle/sqlite";
import { defineConfig } from "@tasks/worker-cli";

export default defineConfig({ backends: { default: sqliteBackend({ path: "./tasks.db" }) }, tasks: ["./src/tasks.ts"] });
`,
  "src/tasks.ts": `import { task } from "@tasks/core";

export const greet = task({ name: "greet" }, async (who: string): Promise<string> => \`hello \${who}\`);
`,
};
const JS_FILES = {
  "tasks.config.js": TS_FILES["tasks.config.ts"].replace("./src/tasks.ts", "./src/tasks.js"),
  "src/tasks.js": `import { task } from "@tasks/core";

export const greet = task({ name: "greet" }, async (who) => \`hello \${who}\`);
`,
};

interface Sample {
  readonly readyMs: number;
  readonly rssMb: number;
}

function environment(): NodeJS.ProcessEnv {
  const { NODE_PATH: _storePath, ...env } = process.env;
  return env;
}

function run(project: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(project, "node_modules", ".bin", "tasks"), ...args], { cwd: project, env: environment(), stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : 0;
}

async function sample(project: string): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(project, "node_modules", ".bin", "tasks"), "worker", "--no-startup-delay", "--log-format", "json"], {
    cwd: project,
    env: environment(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const readyMs = await new Promise<number>((resolve, reject) => {
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (output.includes('"msg":"Worker started."')) resolve(performance.now() - started);
    });
    child.on("exit", (code) => reject(new Error(`The worker exited (${code}) before it was ready:\n${output}`)));
  });
  await sleep(IDLE_MS);
  const rss = rssKb(child.pid as number);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  return { readyMs, rssMb: rss / 1024 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function measure(label: string, project: string): Promise<void> {
  if ((await run(project, ["migrate"])) !== 0) throw new Error(`tasks migrate failed in ${project}.`);
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await sample(project));
  const list = (pick: (each: Sample) => number, digits: number) => samples.map((each) => pick(each).toFixed(digits)).join(", ");
  console.log(`\n${label}`);
  console.log(`  ready after median ${median(samples.map((each) => each.readyMs)).toFixed(0)} ms   (runs: ${list((each) => each.readyMs, 0)})`);
  console.log(`  idle RSS    median ${median(samples.map((each) => each.rssMb)).toFixed(1)} MB   (runs: ${list((each) => each.rssMb, 1)})`);
}

const withTsx = buildInstalledPackages({ tsx: true });
const withoutTsx = buildInstalledPackages({ tsx: false });
console.log(`Node ${process.version}, ${RUNS} runs each, SQLite, idle ${IDLE_MS} ms before reading memory.`);
await measure("TypeScript config and task module, tsx installed (ES-module project)", createProject(withTsx, { esm: true, files: TS_FILES }));
await measure("TypeScript config and task module, tsx installed (CommonJS project)", createProject(withTsx, { esm: false, files: TS_FILES }));
await measure("Compiled JavaScript config and task module, no tsx installed (ES-module project)", createProject(withoutTsx, { esm: true, files: JS_FILES }));
