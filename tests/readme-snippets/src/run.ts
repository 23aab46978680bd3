/** Runs a generated snippet module with tsx in its own process and working folder. */
import { spawn } from "node:child_process";

/** How a run ended. */
export interface SnippetRun {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

const TSX_LOADER = import.meta.resolve("tsx");

/** Runs `file` with `node --import tsx`, in `cwd`, killing it after `timeoutMs`. */
export function runModuleFile(file: string, options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<SnippetRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, file], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, timedOut, stdout, stderr });
    });
  });
}
