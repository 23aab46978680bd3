/**
 * Shows what the worker does while it works: one line per task event, and a status line
 * (redrawn in place on a terminal, printed on change otherwise) until every task finished.
 */
import { getTaskResult, ResultStatus, taskEvents, type TaskResult } from "@tasks/core";
import type { PlannedTask } from "./scenario.js";

/** How often the status line is refreshed from the database. */
const POLL_MS = 150;

/** Prints progress for `planned` to `out` until every stored task is finished. */
export class Progress {
  readonly #planned: readonly PlannedTask[];
  readonly #ids: Set<string>;
  readonly #out: NodeJS.WriteStream;
  readonly #startedAt = Date.now();
  #statusLine = "";
  #unsubscribe: Array<() => void> = [];

  constructor(planned: readonly PlannedTask[], out: NodeJS.WriteStream) {
    this.#planned = planned.filter((entry) => entry.stored);
    this.#ids = new Set(this.#planned.map((entry) => entry.id));
    this.#out = out;
  }

  /** Starts printing a line for each start, retry and finish of a demo task. */
  attach(): void {
    this.#unsubscribe = [
      taskEvents.on("taskStarted", ({ result }) => this.#event(result, "▶", `started (attempt ${result.attempts}, queue ${result.queueName}, priority ${result.priority})`)),
      taskEvents.on("taskRetried", ({ result }) => {
        const error = result.errors.at(-1);
        const inMs = result.runAfter ? Math.max(0, result.runAfter.getTime() - Date.now()) : 0;
        this.#event(result, "↻", `attempt ${result.attempts} failed (${error?.className ?? "error"}); retrying in ${(inMs / 1000).toFixed(1)} s`);
      }),
      taskEvents.on("taskFinished", ({ result }) => {
        if (result.status === ResultStatus.SUCCESSFUL) this.#event(result, "✓", `succeeded after ${plural(result.attempts, "attempt")}`);
        else this.#event(result, "✗", `${result.status.toLowerCase()}: ${describeLastError(result)}`);
      }),
    ];
  }

  /** Stops printing event lines. */
  detach(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
  }

  /** Refreshes the status line until every task finished (true) or `timeoutMs` passed (false). */
  async waitUntilFinished(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const results = await Promise.all(this.#planned.map((entry) => getTaskResult(entry.id)));
      const done = results.every((result) => result.isFinished);
      this.#status(describeCounts(results));
      if (done || Date.now() >= deadline) {
        if (this.#out.isTTY) this.#out.write("\n");
        this.#statusLine = "";
        return done;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  #elapsed(): string {
    return `${((Date.now() - this.#startedAt) / 1000).toFixed(2)}s`.padStart(6);
  }

  #event(result: TaskResult, symbol: string, text: string): void {
    if (!this.#ids.has(result.id)) return;
    this.#write(`  ${this.#elapsed()}  ${symbol} ${result.taskName.padEnd(28)} ${text}`);
  }

  #status(counts: string): void {
    const line = `  [${this.#elapsed().trim()}] ${counts}`;
    if (this.#out.isTTY) {
      this.#statusLine = line;
      this.#out.write(`\r\x1b[2K${line}`);
    } else if (counts !== this.#statusLine) {
      this.#statusLine = counts;
      this.#out.write(`${line}\n`);
    }
  }

  /** Prints a line above the status line (which is redrawn after it on a terminal). */
  #write(line: string): void {
    if (this.#out.isTTY && this.#statusLine) this.#out.write(`\r\x1b[2K${line}\n${this.#statusLine}`);
    else this.#out.write(`${line}\n`);
  }
}

function describeCounts(results: readonly TaskResult[]): string {
  const now = Date.now();
  const finished = results.filter((result) => result.isFinished).length;
  const running = results.filter((result) => result.status === ResultStatus.RUNNING).length;
  const ready = results.filter((result) => result.status === ResultStatus.READY);
  const waiting = ready.filter((result) => result.runAfter !== null && result.runAfter.getTime() > now).length;
  return `${finished}/${results.length} finished · ${running} running · ${ready.length - waiting} ready · ${waiting} waiting for runAfter`;
}

function describeLastError(result: TaskResult): string {
  const error = result.errors.at(-1);
  return error ? `${error.className}: ${error.message}` : "no error recorded";
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
