import { getBackend } from "./config.js";
import { TaskFailedError, TaskNotFinishedError, TaskResultDoesNotExistError } from "./errors.js";
import type { JsonValue } from "./json.js";
import type { TaskErrorRecord, TaskRecord } from "./records.js";
import { isFinishedStatus, ResultStatus } from "./status.js";

/**
 * The stored state of one enqueued task. A snapshot: call {@link TaskResult.refresh} to
 * read the latest state from the backend.
 */
export class TaskResult<R = unknown> {
  #record: TaskRecord;

  /** Wraps a stored record; made by core, not by users. */
  constructor(record: TaskRecord) {
    this.#record = record;
  }

  get id(): string {
    return this.#record.id;
  }
  get taskName(): string {
    return this.#record.taskName;
  }
  get status(): ResultStatus {
    return this.#record.status;
  }
  /** The arguments the task was enqueued with. */
  get args(): JsonValue[] {
    return this.#record.args;
  }
  get priority(): number {
    return this.#record.priority;
  }
  get queueName(): string {
    return this.#record.queueName;
  }
  /** Alias of the backend that stores the task. */
  get backend(): string {
    return this.#record.backend;
  }
  /** Not runnable before this time; `null` when not deferred. */
  get runAfter(): Date | null {
    return this.#record.runAfter;
  }
  get enqueuedAt(): Date {
    return this.#record.enqueuedAt;
  }
  /** The schedule occurrence this task was enqueued for (see `schedule()`); `null` for other tasks. */
  get scheduledFor(): Date | null {
    return this.#record.scheduledFor;
  }
  /** When the first attempt started. */
  get startedAt(): Date | null {
    return this.#record.startedAt;
  }
  get finishedAt(): Date | null {
    return this.#record.finishedAt;
  }
  get lastAttemptedAt(): Date | null {
    return this.#record.lastAttemptedAt;
  }
  /** Attempts started so far. */
  get attempts(): number {
    return this.#record.attempts;
  }
  get maxAttempts(): number {
    return this.#record.maxAttempts;
  }
  /** The worker id of each attempt, in order. */
  get workerIds(): string[] {
    return this.#record.workerIds;
  }
  /** One entry per failed attempt: error class name, message and stack. */
  get errors(): TaskErrorRecord[] {
    return this.#record.errors;
  }
  /** True once SUCCESSFUL, FAILED or CANCELLED. */
  get isFinished(): boolean {
    return isFinishedStatus(this.#record.status);
  }

  /**
   * What the task returned. Throws {@link TaskNotFinishedError} before it finishes and
   * {@link TaskFailedError} when it FAILED or was CANCELLED.
   */
  get returnValue(): R {
    const { status } = this.#record;
    if (status === ResultStatus.SUCCESSFUL) return this.#record.returnValue as R;
    if (status === ResultStatus.FAILED) {
      const last = this.#record.errors.at(-1);
      throw new TaskFailedError(
        `Task "${this.taskName}" (${this.id}) failed, so it has no return value${last ? `; last error: ${last.className}: ${last.message}` : ""}. Check result.errors.`,
      );
    }
    if (status === ResultStatus.CANCELLED) {
      throw new TaskFailedError(`Task "${this.taskName}" (${this.id}) was cancelled, so it has no return value.`);
    }
    throw new TaskNotFinishedError(
      `Task "${this.taskName}" (${this.id}) has not finished yet (status ${status}); await result.refresh() and check result.isFinished first.`,
    );
  }

  /** Reads the latest state from the backend, in place. */
  async refresh(): Promise<this> {
    const latest = await getBackend(this.backend).backend.get({ backend: this.backend, id: this.id });
    if (!latest) {
      throw new TaskResultDoesNotExistError(`Task result ${this.id} no longer exists in backend "${this.backend}" (was it pruned?).`);
    }
    this.#record = latest;
    return this;
  }

  /** The plain stored record behind this result. */
  toRecord(): TaskRecord {
    return this.#record;
  }

  /** A JSON-friendly view (for logs and APIs). */
  toJSON(): Record<string, unknown> {
    const { leaseExpiresAt: _lease, identityHash: _hash, uniqueKey: _key, ...visible } = this.#record;
    return visible;
  }
}
