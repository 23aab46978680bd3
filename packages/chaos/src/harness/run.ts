import { execFile } from "node:child_process";

/** What a finished command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** Run as this Unix user (through runuser); Postgres server commands must not run as root. */
  readonly user?: string;
  /** Killed after this long. */
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Runs a program to completion; rejects with its stderr when it fails or times out. */
export function runCommand(file: string, args: readonly string[], options: RunCommandOptions): Promise<CommandOutput> {
  const [program, argv] = options.user === undefined ? [file, [...args]] : ["runuser", ["-u", options.user, "--", file, ...args]];
  return new Promise((resolve, reject) => {
    execFile(
      program,
      argv,
      { timeout: options.timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env, cwd: options.cwd },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${[file, ...args].join(" ")} failed: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}
