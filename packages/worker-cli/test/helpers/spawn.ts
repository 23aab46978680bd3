import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The committed launchers `package.json` `bin` points at. */
export const BINARIES = {
  tasks: fileURLToPath(new URL("../../bin/tasks.mjs", import.meta.url)),
  "db-worker": fileURLToPath(new URL("../../bin/db-worker.mjs", import.meta.url)),
  prune: fileURLToPath(new URL("../../bin/prune.mjs", import.meta.url)),
} as const;

/** One of {@link BINARIES}. */
export type Binary = keyof typeof BINARIES;

/** The folder holding the fixture `tasks.config.ts` (the binaries' cwd in tests). */
export const FIXTURES_DIR = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** How a spawned binary ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running binary with its output so far. */
export class Running {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<Exit>;
  #waiters: Array<() => void> = [];

  constructor(child: ChildProcess) {
    this.child = child;
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
      this.#notify();
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
      this.#notify();
    });
    this.exited = new Promise((resolve) => {
      child.on("close", (code, signal) => {
        this.#notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** JSON log lines written so far (with `--log-format json`). */
  get logLines(): Array<Record<string, unknown>> {
    return this.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Resolves once a JSON log line matches `predicate`; fails if the process exits first or after `timeoutMs`. */
  async waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logLines.find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`The process exited before the expected log line.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`No matching log line within ${timeoutMs} ms.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Spawns a built binary with node, in the fixtures folder unless `cwd` is given. */
export function start(binary: Binary, args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): Running {
  const child = spawn(process.execPath, [BINARIES[binary], ...args], {
    cwd: options.cwd ?? FIXTURES_DIR,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Running(child);
}

/** Spawns a binary and waits for it to exit. */
export function run(binary: Binary, args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<Exit> {
  return start(binary, args, options).exited;
}
