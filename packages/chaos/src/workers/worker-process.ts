import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OutputTail } from "./output-tail.js";
import type { Workspace } from "./workspace.js";

/** The committed launcher of the worker CLI (`db-worker`, an alias of `tasks worker`). */
export const DB_WORKER_BIN = fileURLToPath(new URL("../../../worker-cli/bin/db-worker.mjs", import.meta.url));

/** What the harness last asked of a worker; an exit it did not ask for is a death. */
export type Expectation = "run" | "killed" | "stopping";

/** How a worker process ended. */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
  readonly expectation: Expectation;
}

/** Flags every chaos worker gets besides its id. */
export interface WorkerFlags {
  readonly concurrency: number;
  readonly shutdownTimeoutS: number;
}

/** One `db-worker` process, its output kept in a log file and a short tail in memory. */
export class WorkerProcess {
  readonly id: string;
  readonly startedAt = Date.now();
  readonly exited: Promise<WorkerExit>;
  readonly stderr = new OutputTail(16_000);
  readonly stdout = new OutputTail(16_000);
  readonly logFile: string;
  expectation: Expectation = "run";
  exit: WorkerExit | null = null;
  readonly #child: ChildProcess;

  constructor(workspace: Workspace, id: string, flags: WorkerFlags) {
    this.id = id;
    this.logFile = join(workspace.logDir, `${id}.log`);
    const log = createWriteStream(this.logFile);
    this.#child = spawn(
      process.execPath,
      [
        DB_WORKER_BIN,
        "--worker-id", id,
        "--concurrency", String(flags.concurrency),
        "--no-startup-delay",
        "--interval", "0.5",
        "--shutdown-timeout", String(flags.shutdownTimeoutS),
        "--log-format", "json",
        "--log-level", "warn",
      ],
      { cwd: workspace.dir, env: { ...process.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout.append(chunk);
      log.write(chunk);
    });
    this.#child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr.append(chunk);
      log.write(`[stderr] ${chunk}`);
    });
    this.exited = new Promise((resolve) => {
      this.#child.once("close", (code, signal) => {
        this.exit = { code, signal, at: Date.now(), expectation: this.expectation };
        log.end();
        resolve(this.exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.exit === null;
  }

  /** SIGKILL, as a crash or an OOM kill would end it. */
  kill(): void {
    if (!this.running) return;
    this.expectation = "killed";
    this.#child.kill("SIGKILL");
  }

  /** SIGTERM: the graceful stop (finish running tasks, exit 0). */
  stop(): void {
    if (!this.running) return;
    if (this.expectation === "run") this.expectation = "stopping";
    this.#child.kill("SIGTERM");
  }

  /** SIGKILL after a stop that took too long (still counted against the worker). */
  forceKill(): void {
    if (this.running) this.#child.kill("SIGKILL");
  }
}
