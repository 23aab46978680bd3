import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { LibName, WorkerProfile } from "./adapters/types.js";
import type { ChildReport, FromChild, ToChild } from "./protocol.js";

const entry = fileURLToPath(new URL("./worker-main.ts", import.meta.url));
// Every library's worker starts the same way: node with tsx's loader, so .ts sources run as-is.
const tsxLoader = createRequire(import.meta.url).resolve("tsx");

/** A worker child process of one library. */
export class WorkerChild {
  readonly #process: ChildProcess;
  readonly #waiters = new Map<FromChild["type"], (message: FromChild) => void>();
  #exited = false;
  #failure: string | undefined;

  constructor(lib: LibName, target: string, profile: WorkerProfile, execArgv: readonly string[] = []) {
    this.#process = fork(entry, [lib, target, JSON.stringify(profile)], {
      execArgv: ["--import", tsxLoader, ...execArgv],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.#process.on("message", (message: FromChild) => {
      if (message.type === "failed") {
        this.#failure = message.message;
        for (const resolve of this.#waiters.values()) resolve(message);
        this.#waiters.clear();
        return;
      }
      const waiter = this.#waiters.get(message.type);
      if (waiter) {
        this.#waiters.delete(message.type);
        waiter(message);
      }
    });
    this.#process.on("exit", (code) => {
      this.#exited = true;
      if (this.#waiters.size > 0) {
        const failed: FromChild = { type: "failed", message: `worker child exited with code ${code}` };
        for (const resolve of this.#waiters.values()) resolve(failed);
        this.#waiters.clear();
      }
    });
  }

  #next<T extends FromChild["type"]>(type: T, timeoutMs: number): Promise<Extract<FromChild, { type: T }>> {
    if (this.#failure) return Promise.reject(new Error(`Worker child failed: ${this.#failure}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(type);
        reject(new Error(`Worker child sent no "${type}" message within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.#waiters.set(type, (message) => {
        clearTimeout(timer);
        if (message.type === "failed") reject(new Error(`Worker child failed: ${message.message}`));
        else resolve(message as Extract<FromChild, { type: T }>);
      });
    });
  }

  /** Resolves when the child has built its worker. */
  ready(): Promise<unknown> {
    return this.#next("ready", 60_000);
  }

  /** Resolves with the wall time at which this child had started `reachAt` tasks. */
  reached(timeoutMs: number): Promise<number> {
    return this.#next("reached", timeoutMs).then((message) => message.at);
  }

  /** Starts processing; the child reports "reached" after `reachAt` task starts. */
  go(reachAt = Number.MAX_SAFE_INTEGER): void {
    this.#post({ type: "go", reachAt });
  }

  /** Stops the worker and returns what it saw; kills the child if it does not exit. */
  async stop(): Promise<ChildReport> {
    const report = this.#next("report", 30_000);
    this.#post({ type: "stop" });
    try {
      return await report;
    } finally {
      // Room for a child started with --cpu-prof to write its profile before it is killed.
      setTimeout(() => this.kill(), 10_000).unref();
    }
  }

  /** Kills the child if it is still running. */
  kill(): void {
    if (!this.#exited) this.#process.kill("SIGKILL");
  }

  #post(message: ToChild): void {
    this.#process.send(message);
  }
}

/** Starts `count` children and waits until all are ready. */
export async function startChildren(
  count: number,
  lib: LibName,
  target: string,
  profile: WorkerProfile,
  execArgv: readonly string[] = [],
): Promise<WorkerChild[]> {
  const children = Array.from({ length: count }, () => new WorkerChild(lib, target, profile, execArgv));
  try {
    await Promise.all(children.map((child) => child.ready()));
  } catch (error) {
    for (const child of children) child.kill();
    throw error;
  }
  return children;
}
