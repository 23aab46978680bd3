import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { OutputTail } from "../workers/output-tail.js";

/** How a helper process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A TypeScript helper process (run through tsx) that talks in lines on stdin and stdout. */
export class LineChild {
  readonly stderr = new OutputTail(16_000);
  readonly exited: Promise<ChildExit>;
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  #waiters: Array<() => void> = [];
  #exit: ChildExit | null = null;

  /** Starts `node --import tsx <module> ...args`; `module` is resolved against `base`. */
  constructor(module: string, base: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
    const file = fileURLToPath(new URL(module, base));
    this.#child = spawn(process.execPath, ["--import", "tsx", file, ...args], {
      cwd: fileURLToPath(new URL("../../", import.meta.url)),
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    createInterface({ input: this.#child.stdout! }).on("line", (line) => {
      this.#lines.push(line);
      this.#wake();
    });
    this.#child.stderr?.setEncoding("utf8").on("data", (chunk: string) => this.stderr.append(chunk));
    this.exited = new Promise((resolve) => {
      this.#child.once("close", (code, signal) => {
        this.#exit = { code, signal };
        this.#wake();
        resolve(this.#exit);
      });
    });
  }

  /** Every line printed so far. */
  get lines(): readonly string[] {
    return this.#lines;
  }

  get running(): boolean {
    return this.#exit === null;
  }

  /** Writes one line to its stdin. */
  send(line: string): void {
    this.#child.stdin?.write(`${line}\n`);
  }

  /** Resolves with the first line (from index `from`) that `match` accepts; rejects after `timeoutMs` or at exit. */
  async waitForLine(match: (line: string) => boolean, timeoutMs: number, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.#lines.slice(from).find(match);
      if (found !== undefined) return found;
      if (this.#exit) throw new Error(`The helper exited (code ${String(this.#exit.code)}) before the expected line.\n${this.stderr.text}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No expected line from the helper within ${timeoutMs} ms.\n${this.stderr.text}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes stdin (the helper's signal to finish) and waits up to `timeoutMs`, then kills it. */
  async finish(timeoutMs: number): Promise<ChildExit> {
    this.#child.stdin?.end();
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
