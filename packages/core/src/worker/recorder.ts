/** Writing and counting the outcome of each attempt a worker ran. */
import type { Clock } from "../clock.js";
import type { ResolvedBackend } from "../config.js";
import { TaskCancelledError } from "../errors.js";
import { taskEvents } from "../events.js";
import type { AttemptReport } from "../execution/attempt.js";
import { applyAttemptOutcome } from "../execution/outcome.js";
import type { Logger } from "../logger.js";
import type { TaskRecord } from "../records.js";
import { TaskResult } from "../result.js";
import { ResultStatus } from "../status.js";
import type { Completer } from "./completer.js";
import type { StorageDeadline } from "./deadline.js";

/** Attempts by how they ended (see `WorkerSummary`). */
export interface OutcomeCounts {
  succeeded: number;
  failed: number;
  retried: number;
  cancelled: number;
  lost: number;
}

/**
 * Records each attempt's report: writes its completion through the completer (an atomic
 * task's is already committed), counts it, and sends `taskFinished` or `taskRetried`.
 */
export class OutcomeRecorder {
  /** What the attempts recorded so far came to. */
  readonly counts: OutcomeCounts = { succeeded: 0, failed: 0, retried: 0, cancelled: 0, lost: 0 };
  readonly #resolved: ResolvedBackend;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #deadline: StorageDeadline;
  readonly #completer: Completer;

  constructor(resolved: ResolvedBackend, clock: Clock, logger: Logger, deadline: StorageDeadline, completer: Completer) {
    this.#resolved = resolved;
    this.#clock = clock;
    this.#logger = logger;
    this.#deadline = deadline;
    this.#completer = completer;
  }

  /** Writes (if needed) and counts the outcome of `record`'s attempt. */
  async record(record: TaskRecord, report: AttemptReport): Promise<void> {
    if (report.kind === "abandoned") {
      if (report.reason instanceof TaskCancelledError) {
        this.counts.cancelled++;
        const latest = await this.#deadline.bound("get", this.#resolved.backend.get({ backend: this.#resolved.alias, id: record.id }));
        if (latest?.status === ResultStatus.CANCELLED) taskEvents.emit("taskFinished", { result: new TaskResult(latest) });
      } else {
        this.counts.lost++;
      }
      return;
    }
    if (report.kind === "committed") {
      if (!report.applied) {
        this.counts.lost++;
        return;
      }
      this.counts.succeeded++;
      if (taskEvents.listens("taskFinished")) {
        const after = applyAttemptOutcome(record, { status: "SUCCESSFUL", returnValue: report.returnValue }, this.#clock.now());
        taskEvents.emit("taskFinished", { result: new TaskResult(after) });
      }
      return;
    }
    const { completion } = report;
    const receipt = await this.#completer.submit(completion);
    if (!receipt.applied) {
      this.counts.lost++;
      // Given up at a forced stop: the completer logged it.
      if (!receipt.givenUp) this.#logger.warn("A task's result was not written: its claim was lost (cancelled, rescued or taken over).", { id: record.id, task: record.taskName });
      return;
    }
    const retry = completion.outcome.status === "READY";
    if (retry) this.counts.retried++;
    else if (completion.outcome.status === "SUCCESSFUL") this.counts.succeeded++;
    else this.counts.failed++;
    const event = retry ? "taskRetried" : "taskFinished";
    if (!taskEvents.listens(event)) return;
    const result = new TaskResult(applyAttemptOutcome(record, completion.outcome, receipt.now));
    if (retry) taskEvents.emit("taskRetried", { result, error: report.error });
    else taskEvents.emit("taskFinished", { result });
  }
}
