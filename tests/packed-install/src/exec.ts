/** Runs a program to completion, collecting its output, with a time limit. */
import { spawn } from "node:child_process";

/** How a command ended. */
export interface CommandResult {
  readonly command: string;
  readonly cwd: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long. Default 120 s. */
  readonly timeoutMs?: number;
}

/** Runs `command args…` without a shell and resolves once it exits (never rejects for a failing exit code). */
export function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
  const started = performance.now();
  const shown = [command, ...args].join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 120_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`Could not start "${shown}" in ${options.cwd}: ${error.message}`));
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ command: shown, cwd: options.cwd, exitCode, timedOut, durationMs: performance.now() - started, stdout, stderr });
    });
  });
}

/** A readable account of a run, for assertion messages. */
export function explain(result: CommandResult): string {
  const ending = result.timedOut ? "was killed after its time limit" : `exited with ${result.exitCode}`;
  return `"${result.command}" (in ${result.cwd}) ${ending} after ${Math.round(result.durationMs)} ms\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** Runs a command and throws with its output unless it exits 0. */
export async function runOk(command: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.exitCode !== 0 || result.timedOut) throw new Error(explain(result));
  return result;
}
