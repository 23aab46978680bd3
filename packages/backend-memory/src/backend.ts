import {
  TasksError,
  type BackendCapabilities,
  type CancelParams,
  type ClaimParams,
  type CompleteOutcome,
  type CompleteParams,
  type CountFinishedParams,
  type DeleteTasksParams,
  type DescheduleParams,
  type EnqueueOccurrencesOutcome,
  type EnqueueOccurrencesParams,
  type EnqueueOutcome,
  type EnqueueParams,
  type FinishedCount,
  type GetParams,
  type HealthParams,
  type HealthReport,
  type HeartbeatOutcome,
  type HeartbeatParams,
  type ListSchedulesParams,
  type ListTasksParams,
  type PruneParams,
  type RegisterSchedulesParams,
  type RescueParams,
  type RetryTasksParams,
  type ScheduleState,
  type TaskBackend,
  type TaskPage,
  type TaskRecord,
} from "@tasks/core/backend";
import { TaskResult } from "@tasks/core";
import { countFinished, deleteTasks, listTasks, retryTasks } from "./browse.js";
import { claimTasks, completeTasks, heartbeat } from "./claim.js";
import { enqueueTasks } from "./enqueue.js";
import { healthReport } from "./health.js";
import { cancelTask, descheduleTasks, rescueExpired } from "./maintenance.js";
import { capabilitiesOf, isMemoryMode, kindOf, type MemoryMode } from "./modes.js";
import { pruneTasks } from "./prune.js";
import { copyRecord } from "./rows.js";
import { enqueueOccurrences, listSchedules, registerSchedules } from "./schedules.js";
import { MemoryStore } from "./store.js";

/** Options of {@link MemoryBackend}. */
export interface MemoryBackendOptions {
  /** `"worker"` (default), `"dummy"` or `"immediate"`; see {@link MemoryMode}. */
  readonly mode?: MemoryMode;
}

/**
 * Task storage in this process's memory, with the full semantics of the storage contract:
 * deferral, priority, leases, guarded completion, rescue, cancel, uniqueness, health, prune,
 * schedule states (worker mode) and browsing: listing, retrying, deleting and counting tasks
 * (worker and dummy modes). Rows are partitioned by backend alias; everything stored
 * or returned is a deep copy. Nothing survives the process, so use it for tests, scripts
 * and development.
 */
export class MemoryBackend implements TaskBackend {
  readonly kind: string;
  readonly capabilities: BackendCapabilities;
  /** The mode this backend was made with. */
  readonly mode: MemoryMode;
  readonly #store = new MemoryStore();
  readonly #listeners = new Set<(queueName: string) => void>();

  constructor(options: MemoryBackendOptions = {}) {
    const mode = options.mode ?? "worker";
    if (!isMemoryMode(mode)) {
      throw new TasksError(`Unknown memory backend mode ${JSON.stringify(mode)}; use "worker", "dummy" or "immediate".`);
    }
    this.mode = mode;
    this.kind = kindOf(mode);
    this.capabilities = capabilitiesOf(mode);
  }

  /**
   * Every stored task of every alias as a {@link TaskResult} (current state, enqueue order
   * within each alias), like DEP 0014's dummy backend `results`. Fresh copies on each read.
   */
  get results(): TaskResult[] {
    return this.#store.allRows().map((row) => new TaskResult(copyRecord(row)));
  }

  /** Forgets every stored task, heartbeat and schedule state (DEP 0014's dummy backend `clear()`). */
  clear(): void {
    this.#store.clear();
  }

  async enqueue(params: EnqueueParams): Promise<EnqueueOutcome[]> {
    if (params.transaction !== undefined) {
      throw new TasksError(
        `The ${this.kind} backend cannot enqueue inside an application transaction; enqueue after the transaction commits instead.`,
      );
    }
    const { outcomes, created } = enqueueTasks(this.#store, params);
    this.#announce(new Set(created.map((row) => row.queueName)));
    return outcomes;
  }

  async claim(params: ClaimParams): Promise<TaskRecord[]> {
    return claimTasks(this.#store, params);
  }

  async heartbeat(params: HeartbeatParams): Promise<HeartbeatOutcome> {
    return heartbeat(this.#store, params);
  }

  async complete(params: CompleteParams): Promise<CompleteOutcome> {
    return completeTasks(this.#store, params);
  }

  async rescueExpired(params: RescueParams): Promise<TaskRecord[]> {
    return rescueExpired(this.#store, params);
  }

  async cancel(params: CancelParams): Promise<TaskRecord | null> {
    return cancelTask(this.#store, params);
  }

  async deschedule(params: DescheduleParams): Promise<number> {
    return descheduleTasks(this.#store, params);
  }

  async get(params: GetParams): Promise<TaskRecord | null> {
    const row = this.#store.partition(params.backend).rows.get(params.id);
    return row ? copyRecord(row) : null;
  }

  async health(params: HealthParams): Promise<HealthReport> {
    return healthReport(this.#store, params);
  }

  async prune(params: PruneParams): Promise<number> {
    return pruneTasks(this.#store, params);
  }

  async registerSchedules(params: RegisterSchedulesParams): Promise<ScheduleState[]> {
    this.#assertSchedules("registerSchedules()");
    return registerSchedules(this.#store, params);
  }

  async enqueueOccurrences(params: EnqueueOccurrencesParams): Promise<EnqueueOccurrencesOutcome> {
    this.#assertSchedules("enqueueOccurrences()");
    const { outcome, created } = enqueueOccurrences(this.#store, params);
    this.#announce(new Set(created.map((row) => row.queueName)));
    return outcome;
  }

  async listSchedules(params: ListSchedulesParams): Promise<ScheduleState[]> {
    this.#assertSchedules("listSchedules()");
    return listSchedules(this.#store, params);
  }

  async listTasks(params: ListTasksParams): Promise<TaskPage> {
    this.#assertBrowse("listTasks()");
    return listTasks(this.#store, params);
  }

  async retryTasks(params: RetryTasksParams): Promise<TaskRecord[]> {
    this.#assertBrowse("retryTasks()");
    const retried = retryTasks(this.#store, params);
    this.#announce(new Set(retried.map((record) => record.queueName)));
    return retried;
  }

  async deleteTasks(params: DeleteTasksParams): Promise<string[]> {
    this.#assertBrowse("deleteTasks()");
    return deleteTasks(this.#store, params);
  }

  async countFinished(params: CountFinishedParams): Promise<FinishedCount[]> {
    this.#assertBrowse("countFinished()");
    return countFinished(this.#store, params);
  }

  /** Forgets everything and stops notifying; later calls throw. */
  async close(): Promise<void> {
    this.#store.close();
    this.#listeners.clear();
  }

  onTasksAvailable(listener: (queueName: string) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #assertSchedules(operation: string): void {
    if (this.capabilities.supportsSchedules) return;
    throw new TasksError(
      `${operation}: the ${this.kind} memory backend does not store schedules (supportsSchedules is false); use memoryBackend() for scheduled tasks.`,
    );
  }

  #assertBrowse(operation: string): void {
    if (this.capabilities.supportsBrowse) return;
    throw new TasksError(
      `${operation}: the ${this.kind} memory backend does not browse stored tasks (supportsBrowse is false); use memoryBackend() or dummyBackend() for the dashboard.`,
    );
  }

  #announce(queueNames: Set<string>): void {
    if (queueNames.size === 0 || this.#listeners.size === 0) return;
    queueMicrotask(() => {
      for (const queueName of queueNames) {
        for (const listener of [...this.#listeners]) {
          try {
            listener(queueName);
          } catch {
            // A wake-up hint must not break enqueue or other listeners; the listener owns its errors.
          }
        }
      }
    });
  }
}
