import type { LostLease } from "../backend.js";
import type { Clock } from "../clock.js";
import type { ResolvedBackend } from "../config.js";
import { TaskCancelledError, WorkerLostError } from "../errors.js";
import { taskEvents } from "../events.js";
import type { AttemptAbort } from "../execution/attempt-abort.js";
import { toErrorRecord } from "../execution/outcome.js";
import type { Logger } from "../logger.js";
import type { TaskErrorRecord, TaskRecord } from "../records.js";
import { registeredTaskNameSnapshot } from "../registry.js";
import { TaskResult } from "../result.js";
import { ResultStatus } from "../status.js";
import type { StorageDeadline } from "./deadline.js";
import type { OutageReporter } from "./outage.js";

/** One task a worker has claimed and not yet finished recording. */
export interface RunningTask {
  readonly record: TaskRecord;
  readonly abort: AttemptAbort;
  /**
   * When this worker's lease on the task runs out as far as the worker knows (epoch ms): the
   * claim's time plus the lease, then each successful heartbeat's time plus the lease.
   */
  leaseExpiresAt: number;
}

/** What every loop of a worker beside its claims works with, shared with the worker that owns it. */
export interface WorkerLoopContext {
  readonly resolved: ResolvedBackend;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly outage: OutageReporter;
  readonly deadline: StorageDeadline;
  readonly workerId: string;
  /** Aborts when the worker's run is over; ends the loop. */
  readonly finished: AbortSignal;
}

/** What a {@link LeaseKeeper} works with; all of it shared with the worker that owns it. */
export interface LeaseKeeperContext extends WorkerLoopContext {
  /** The worker's running tasks, by id (read only here; their aborts are triggered here). */
  readonly running: ReadonlyMap<string, RunningTask>;
  /** Between heartbeat rounds (checked shorter than the lease by the worker). */
  readonly heartbeatIntervalMs: number;
  /** Between rescue passes. */
  readonly rescueIntervalMs: number;
}

/** Most rows one rescue call handles. */
const RESCUE_BATCH = 100;

/**
 * A worker's maintenance, apart from its claim loop (as in Oban): the heartbeat loop renews
 * the leases of the tasks the worker runs, and the rescue loop hands back tasks whose lease
 * ran out, whichever worker held them. Both run every lease / 3 by default (Worker options `heartbeatIntervalMs`, `rescueIntervalMs`) until the run is over.
 *
 * A lease the worker can no longer vouch for is given up locally: when a heartbeat round fails
 * and a running task's last successful renewal is more than a lease ago, that task's signal is
 * aborted with {@link WorkerLostError}. Another worker may already have rescued and started it,
 * and its result would be refused anyway; the abort lets the task stop (a half-open link).
 */
export class LeaseKeeper {
  readonly #context: LeaseKeeperContext;
  /**
   * Made once: building an error's stack (with source maps under a loader) can take
   * milliseconds, and a rescue pass runs every lease / 3 while tasks are being started.
   */
  #rescueErrorRecord: TaskErrorRecord | undefined;

  constructor(context: LeaseKeeperContext) {
    this.#context = context;
  }

  /** Runs the heartbeat and rescue loops; resolves once `finished` has aborted and both ended. */
  async run(): Promise<void> {
    await Promise.all([this.#heartbeatLoop(), this.#rescueLoop()]);
  }

  /** Puts back (or fails) every task whose lease expired, in batches; never throws. */
  async rescuePass(): Promise<void> {
    const { resolved, clock, logger, outage, deadline } = this.#context;
    try {
      for (;;) {
        const rescued = await deadline.bound(
          "rescueExpired",
          resolved.backend.rescueExpired({ backend: resolved.alias, now: clock.now(), limit: RESCUE_BATCH, error: this.#rescueError }),
        );
        for (const record of rescued) {
          logger.warn("Rescued a task whose lease expired.", { id: record.id, task: record.taskName, status: record.status });
          taskEvents.emit("taskRescued", { result: new TaskResult(record) });
        }
        if (rescued.length < RESCUE_BATCH) break;
      }
      outage.succeeded("rescueExpired");
    } catch (error) {
      outage.failed("rescueExpired", error);
    }
  }

  get #rescueError(): TaskErrorRecord {
    this.#rescueErrorRecord ??= toErrorRecord(
      new WorkerLostError("The worker running this task stopped renewing its lease (it crashed, hung or lost its connection); the task was rescued."),
    );
    return this.#rescueErrorRecord;
  }

  async #heartbeatLoop(): Promise<void> {
    const { resolved, clock, outage, deadline, workerId, running, finished } = this.#context;
    const leaseMs = resolved.leaseMs;
    while (!finished.aborted) {
      const entries = [...running.values()];
      const now = clock.now();
      try {
        const { lost } = await deadline.bound(
          "heartbeat",
          resolved.backend.heartbeat({
            backend: resolved.alias,
            now,
            workerId,
            leases: entries.map((entry) => ({ id: entry.record.id, attempt: entry.record.attempts })),
            leaseMs,
            taskNames: registeredTaskNameSnapshot(),
          }),
        );
        outage.succeeded("heartbeat");
        this.#renewed(entries, lost, now.getTime() + leaseMs);
      } catch (error) {
        outage.failed("heartbeat", error);
        this.#abortExpired();
      }
      await clock.sleep(this.#context.heartbeatIntervalMs, finished);
    }
  }

  /** After a successful heartbeat: extends the leases it renewed, aborts the ones it reported lost. */
  #renewed(entries: readonly RunningTask[], lost: readonly LostLease[], until: number): void {
    const { running, workerId } = this.#context;
    const lostIds = lost.length === 0 ? null : new Set(lost.map((lease) => lease.id));
    for (const entry of entries) if (!lostIds?.has(entry.record.id)) entry.leaseExpiresAt = until;
    for (const { id, status } of lost) {
      const entry = running.get(id);
      if (!entry || entry.abort.aborted) continue;
      entry.abort.abort(
        status === ResultStatus.CANCELLED
          ? new TaskCancelledError(`Task "${entry.record.taskName}" (${id}) was cancelled while it ran.`)
          : new WorkerLostError(`Worker ${workerId} lost its lease on task "${entry.record.taskName}" (${id}); another worker may run it.`),
      );
    }
  }

  /** After a failed heartbeat: aborts every running task whose lease has run out unrenewed. */
  #abortExpired(): void {
    const { running, clock, logger, workerId, resolved } = this.#context;
    const now = clock.now().getTime();
    const expired: string[] = [];
    for (const entry of running.values()) {
      if (entry.abort.aborted || now <= entry.leaseExpiresAt) continue;
      expired.push(entry.record.id);
      entry.abort.abort(
        new WorkerLostError(
          `Worker ${workerId} could not renew its lease on task "${entry.record.taskName}" (${entry.record.id}) before it ran out (lease ${resolved.leaseMs} ms); another worker may run it.`,
        ),
      );
    }
    if (expired.length > 0) {
      logger.warn(`Heartbeats failed until the leases of ${expired.length} task(s) this worker holds ran out; their attempts are aborted and their results would be refused (another worker may run them).`, {
        workerId,
        ids: expired,
      });
    }
  }

  async #rescueLoop(): Promise<void> {
    const { clock, finished } = this.#context;
    for (;;) {
      await clock.sleep(this.#context.rescueIntervalMs, finished);
      if (finished.aborted) return;
      await this.rescuePass();
    }
  }
}
