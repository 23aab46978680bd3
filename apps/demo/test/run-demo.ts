/** Runs the demo script in a child process and parses its final table. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const appDir = fileURLToPath(new URL("..", import.meta.url));

/** What a demo run printed, and how it ended. */
export interface DemoRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `src/main.ts` (the demo script) with `env`. */
export function runDemo(env: Record<string, string>): Promise<DemoRun> {
  return runNode(["--import", "tsx", "src/main.ts"], env);
}

/** Runs the real `db-worker` binary of @tasks/worker-cli in the demo folder, with `flags`. */
export function runDbWorker(flags: readonly string[], env: Record<string, string>): Promise<DemoRun> {
  return runNode([join(appDir, "node_modules", "@tasks", "worker-cli", "bin", "db-worker.mjs"), ...flags], env);
}

/** Runs the real `tasks` binary of @tasks/worker-cli in the demo folder: `tasks <args>`. */
export function runTasksCommand(args: readonly string[], env: Record<string, string>): Promise<DemoRun> {
  return runNode([join(appDir, "node_modules", "@tasks", "worker-cli", "bin", "tasks.mjs"), ...args], env);
}

/** Runs node with `args` in the demo folder and `env` (the parent's environment is not inherited beyond PATH and HOME). */
export function runNode(args: readonly string[], env: Record<string, string>): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], {
      cwd: appDir,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

/** One row of the final table, by column header. */
export type TableRow = Record<string, string>;

/** The rows of the last box-drawn table in `output` (lines starting with "│"; the first is the header). */
export function parseFinalTable(output: string): TableRow[] {
  const lines = output.split("\n");
  const top = lines.findLastIndex((line) => line.startsWith("┌"));
  if (top < 0) throw new Error(`The demo printed no table. Its output was:\n${output}`);
  const cellLines = [];
  for (const line of lines.slice(top + 1)) {
    if (line.startsWith("└")) break;
    if (line.startsWith("│")) cellLines.push(line);
  }
  const split = (line: string) => line.split("│").slice(1, -1).map((cell) => cell.trim());
  const [header, ...rows] = cellLines.map(split);
  if (!header) throw new Error("The demo's table has no header row.");
  return rows.map((cells) => Object.fromEntries(header.map((name, column) => [name, cells[column] ?? ""])));
}
