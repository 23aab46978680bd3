import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { LibName, WorkerProfile } from "../adapters/types.js";
import type { FromSustainedChild, SustainedReport, ToSustainedChild } from "./protocol.js";

const entry = fileURLToPath(new URL("./child-main.ts", import.meta.url));
// Started like every other benchmark worker: node with tsx's loader, so .ts sources run as-is.
const tsxLoader = createRequire(import.meta.url).resolve("tsx");
const READY_TIMEOUT_MS = 60_000;
const REPORT_TIMEOUT_MS = 60_000;

/** A sustained-load worker child of one library, seen from the main process. */
export class SustainedChild {
  readonly #process: ChildProcess;
  #ready: Promise<void>;
  #report: Promise<SustainedReport>;
  #failure: string | undefined;
  #exited = false;
  readonly #counts = new Map<number, (started: number) => void>();
  #nextCountId = 0;

  constructor(lib: LibName, target: string, profile: WorkerProfile, execArgv: readonly string[] = []) {
    this.#process = fork(entry, [lib, target, JSON.stringify(profile)], {
      execArgv: ["--import", tsxLoader, ...execArgv],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let onReady: () => void = () => {};
    let onReport: (report: SustainedReport) => void = () => {};
    let onFailure: (error: Error) => void = () => {};
    this.#ready = new Promise((resolve) => (onReady = resolve));
    this.#report = new Promise((resolve, reject) => {
      onReport = resolve;
      onFailure = reject;
    });
    // A failure before "ready" rejects both: ready() races against the report promise.
    this.#report.catch(() => {});
    this.#process.on("message", (message: FromSustainedChild) => {
      if (message.type === "ready") onReady();
      else if (message.type === "count") {
        this.#counts.get(message.id)?.(message.started);
        this.#counts.delete(message.id);
      }
      else if (message.type === "failed") {
        this.#failure = message.message;
        onFailure(new Error(`Worker child failed: ${message.message}`));
      } else onReport(message);
    });
    this.#process.on("exit", (code) => {
      this.#exited = true;
      onFailure(new Error(this.#failure ? `Worker child failed: ${this.#failure}` : `Worker child exited with code ${code} before reporting.`));
    });
  }

  /** Resolves once the child has built its worker. */
  async ready(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Worker child sent no "ready" within ${READY_TIMEOUT_MS} ms.`)), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.#ready, this.#report.then(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts processing; per-second counts are taken from `goAt` (wall-clock ms). */
  go(goAt: number): void {
    this.#post({ type: "go", goAt });
  }

  /** Task starts so far, asked of the child (an IPC round trip, about a millisecond when idle). */
  count(): Promise<number> {
    const id = this.#nextCountId++;
    const answer = new Promise<number>((resolve) => this.#counts.set(id, resolve));
    this.#post({ type: "count", id });
    return Promise.race([answer, this.#report.then(() => Number.NaN)]);
  }

  /** Stops the worker and returns what it saw; kills the child if it does not report in time. */
  async stop(): Promise<SustainedReport> {
    this.#post({ type: "stop" });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Worker child sent no report within ${REPORT_TIMEOUT_MS} ms of "stop".`)), REPORT_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.#report, timeout]);
    } finally {
      clearTimeout(timer);
      setTimeout(() => this.kill(), 5_000).unref();
    }
  }

  /** Kills the child if it is still running. */
  kill(): void {
    if (!this.#exited) this.#process.kill("SIGKILL");
  }

  #post(message: ToSustainedChild): void {
    if (!this.#exited) this.#process.send(message);
  }
}
