/**
 * The worker loop. Run states (one run per `Worker`):
 * - starting: `run()` subscribes to signals and wake-ups, then one rescue pass before the first claim.
 * - claiming (`#stopping` null): claim lanes fill free slots; `LeaseKeeper` (maintenance.ts)
 *   heartbeats and rescues every lease / 3.
 * - stopping (`#stopping` = the stop reason: signal, duration, maxTasks, batch): no more claims;
 *   running tasks finish (a signal or `durationMs` forces after `shutdownTimeoutMs`), then the
 *   completer drains.
 * - forced (`#forced`, reason "forced"): running tasks are aborted with WorkerShutdownError and
 *   handed back; the completer tries unwritten results once more, then gives up (not applied:
 *   their leases run out and they are rescued, at-least-once).
 * - finished (`#finished` aborted): maintenance loops end; `run()` resolves with the summary.
 * Counters: claimed (tasks started), succeeded / failed / retried (outcome written: SUCCESSFUL,
 * FAILED, READY again), cancelled (cancelled while running), lost (nothing written: lease lost,
 * claim taken over, or given up at a forced stop).
 */
import { systemClock, type Clock } from "../clock.js";
import { getBackend, getClock, getLogger, getTelemetry, type ResolvedBackend } from "../config.js";
import { InvalidTaskBackendError, WorkerShutdownError } from "../errors.js";
import { taskEvents } from "../events.js";
import { runAttempt, type AttemptReport } from "../execution/attempt.js";
import { AttemptAbort } from "../execution/attempt-abort.js";
import { attemptEndOf } from "../execution/attempt-end.js";
import type { Logger } from "../logger.js";
import { queueSelected } from "../claim-order.js";
import { registeredTaskNameSnapshot } from "../registry.js";
import { registeredSchedules } from "../schedules/registry.js";
import { checkScheduleBackend } from "../schedules/schedule.js";
import { Scheduler } from "../schedules/scheduler.js";
import type { TaskRecord } from "../records.js";
import type { TaskTelemetry } from "../telemetry.js";
import { TaskResult } from "../result.js";
import { storageErrorCause } from "./cause.js";
import { batchGaveUpError, ClaimFailures } from "./claim-failures.js";
import { Completer } from "./completer.js";
import { StorageDeadline } from "./deadline.js";
import { LeaseKeeper, type RunningTask } from "./maintenance.js";
import { maintenanceIntervalsFor, resolveWorkerOptions, storageTimeoutFor, type ResolvedWorkerOptions, type WorkerOptions } from "./options.js";
import { OutageReporter } from "./outage.js";
import { OutcomeRecorder } from "./recorder.js";
import { Wake } from "./wake.js";

/** Why a worker's run ended. */
export type WorkerStopReason = "batch" | "maxTasks" | "duration" | "signal" | "forced";

/** What a finished run did. */
export interface WorkerSummary {
  readonly workerId: string;
  readonly stoppedBy: WorkerStopReason;
  readonly claimed: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly retried: number;
  readonly cancelled: number;
  /** Attempts whose result was not written: lease lost, claim taken over, or given up at a forced stop. */
  readonly lost: number;
}

/** With at least twice this many slots, a worker claims in two lanes. */
const MIN_LANE_SLOTS = 25;

/**
 * Claims tasks from one backend alias and runs them, `concurrency` at a time. Storage
 * agnostic: everything it does goes through the backend contract. Install no signal handlers
 * here; pass `signal`/`forceSignal` (the CLI wires them to SIGINT/SIGTERM).
 */
export class Worker {
  readonly #options: ResolvedWorkerOptions;
  readonly #resolved: ResolvedBackend;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #completer: Completer;
  /** Shared by every loop that calls storage, so an outage is logged once, not per call. */
  readonly #outage: OutageReporter;
  /** Time limit on this worker's own storage calls. */
  readonly #deadline: StorageDeadline;
  /** Heartbeat and rescue loops (`maintenance.ts`). */
  readonly #leases: LeaseKeeper;
  /** Enqueues the due occurrences of the schedules declared for this alias (`schedules/scheduler.ts`). */
  readonly #scheduler: Scheduler;
  readonly #running = new Map<string, RunningTask>();
  /** One per claim lane; the first also serves the wait for running tasks at the end of a run. */
  readonly #wakes = [new Wake(), new Wake()];
  /** How many claim lanes run: two once there are at least `2 * MIN_LANE_SLOTS` slots. */
  readonly #lanes: number;
  /** Slots asked for by claims in flight. */
  #reserved = 0;
  /** Aborts when the run is over; ends the maintenance loops and timers. */
  readonly #finished = new AbortController();
  readonly #externalSignals: { signal?: AbortSignal; forceSignal?: AbortSignal };
  #executing = 0;
  #stopping: WorkerStopReason | null = null;
  #forced = false;
  #started = false;
  #claimed = 0;
  /** Writes and counts the outcome of each attempt. */
  readonly #recorder: OutcomeRecorder;
  /** Spans for attempts and claims, when configured (`configureTasks({ telemetry })`). */
  readonly #telemetry: TaskTelemetry | undefined;
  /** A batch run's claims kept failing with an error no retry can fix: run() rejects with it. */
  #permanentFailure: unknown = null;

  constructor(options: WorkerOptions = {}) {
    this.#options = resolveWorkerOptions(options);
    this.#lanes = this.#options.concurrency >= 2 * MIN_LANE_SLOTS ? 2 : 1;
    this.#resolved = getBackend(this.#options.backend);
    if (!this.#resolved.backend.capabilities.supportsWorkers) {
      throw new InvalidTaskBackendError(
        `Backend "${this.#resolved.alias}" (${this.#resolved.backend.kind}) does not hand tasks to workers; use a backend that stores tasks for workers.`,
      );
    }
    this.#clock = options.clock ?? getClock();
    this.#telemetry = getTelemetry();
    this.#logger = options.logger ?? getLogger();
    this.#outage = new OutageReporter(this.#clock, this.#logger, { workerId: this.#options.workerId, backend: this.#resolved.alias });
    // Real time even under a TestClock: the limit guards against real I/O that never ends, and a
    // test clock advanced in big steps would otherwise time out calls that are merely slow.
    this.#deadline = new StorageDeadline(systemClock, storageTimeoutFor(this.#options, this.#resolved.leaseMs));
    this.#completer = new Completer(this.#resolved, this.#clock, this.#logger, this.#outage, this.#deadline, this.#telemetry);
    this.#recorder = new OutcomeRecorder(this.#resolved, this.#clock, this.#logger, this.#deadline, this.#completer);
    this.#leases = new LeaseKeeper({
      resolved: this.#resolved,
      clock: this.#clock,
      logger: this.#logger,
      outage: this.#outage,
      deadline: this.#deadline,
      workerId: this.#options.workerId,
      running: this.#running,
      finished: this.#finished.signal,
      ...maintenanceIntervalsFor(this.#options, this.#resolved.leaseMs),
    });
    const schedules = this.#options.schedules ? registeredSchedules(this.#resolved.alias) : [];
    for (const declared of schedules) checkScheduleBackend(declared, this.#resolved);
    this.#scheduler = new Scheduler(
      { resolved: this.#resolved, clock: this.#clock, logger: this.#logger, outage: this.#outage, deadline: this.#deadline, workerId: this.#options.workerId, finished: this.#finished.signal },
      schedules,
    );
    this.#externalSignals = { ...(options.signal ? { signal: options.signal } : {}), ...(options.forceSignal ? { forceSignal: options.forceSignal } : {}) };
  }

  /** This worker's id, as stored in each task's `workerIds`. */
  get id(): string {
    return this.#options.workerId;
  }

  /** Tasks running right now. */
  get runningCount(): number {
    return this.#running.size;
  }

  /** Runs until a stop condition (batch, maxTasks, duration, signal); resolves with a summary. */
  async run(): Promise<WorkerSummary> {
    if (this.#started) throw new Error("A Worker runs once; create a new Worker to run again.");
    this.#started = true;
    const { signal, forceSignal } = this.#externalSignals;
    const onSignal = () => this.stop();
    const onForce = () => this.stop({ force: true });
    signal?.addEventListener("abort", onSignal, { once: true });
    forceSignal?.addEventListener("abort", onForce, { once: true });
    if (signal?.aborted) this.stop();
    if (forceSignal?.aborted) this.stop({ force: true });
    const unsubscribe = this.#resolved.backend.onTasksAvailable?.((queueName) => {
      if (queueSelected(this.#options.queues, queueName)) this.#wakeOne();
    });
    if (this.#options.durationMs !== null) {
      void this.#clock.sleep(this.#options.durationMs, this.#finished.signal).then(() => {
        if (!this.#finished.signal.aborted) this.#beginStop("duration");
      });
    }
    const taskNames = registeredTaskNameSnapshot();
    this.#logger.info("Worker started.", { workerId: this.id, backend: this.#resolved.alias, queues: this.#options.queues, concurrency: this.#options.concurrency, tasks: taskNames.length });
    if (taskNames.length === 0) {
      this.#logger.warn("No tasks are registered in this process, so this worker will claim nothing. Import the modules that define your tasks before starting it.", { workerId: this.id });
    }
    // Rescue before the first claim, so a batch run also picks up tasks a crashed worker left behind.
    await this.#leases.rescuePass();
    const maintenance = Promise.all([this.#leases.run(), this.#scheduler.run()]);
    try {
      await this.#claimLoop();
      while (this.#running.size > 0) await this.#wakes[0]!.sleep(this.#clock, this.#options.pollIntervalMs);
      await this.#completer.drain();
    } finally {
      this.#finished.abort();
      this.#outage.close();
      unsubscribe?.();
      signal?.removeEventListener("abort", onSignal);
      forceSignal?.removeEventListener("abort", onForce);
      await maintenance;
    }
    const summary: WorkerSummary = { workerId: this.id, stoppedBy: this.#stopping ?? "signal", claimed: this.#claimed, ...this.#recorder.counts };
    this.#logger.info("Worker stopped.", { ...summary });
    if (this.#permanentFailure !== null) throw batchGaveUpError(this.#permanentFailure);
    return summary;
  }

  /**
   * Stops claiming and lets running tasks finish (forcing after `shutdownTimeoutMs`); with
   * `force`, aborts running tasks now and hands them back (READY if attempts remain).
   */
  stop(options: { force?: boolean } = {}): void {
    this.#beginStop("signal");
    if (options.force) this.#force();
  }

  #beginStop(reason: WorkerStopReason): void {
    if (this.#stopping) return;
    this.#stopping = reason;
    this.#wakeAll();
    void this.#clock.sleep(this.#options.shutdownTimeoutMs, this.#finished.signal).then(() => {
      if (!this.#finished.signal.aborted && this.#running.size > 0) {
        this.#logger.warn(`Running tasks did not finish within the shutdown timeout of ${this.#options.shutdownTimeoutMs} ms; aborting them.`);
        this.#force();
      }
    });
  }

  #force(): void {
    if (this.#forced) return;
    this.#forced = true;
    this.#stopping = "forced";
    for (const entry of this.#running.values()) entry.abort.abort(this.#shutdownError(entry.record));
    // One more try for the results still unwritten (hand-backs included), then no retries.
    this.#completer.giveUp();
    this.#wakeAll();
  }

  #shutdownError(record: TaskRecord): WorkerShutdownError {
    return new WorkerShutdownError(`Worker ${this.id} shut down while task "${record.taskName}" was running; it was handed back.`);
  }

  /**
   * Claims in one lane, or in two when there are at least `2 * MIN_LANE_SLOTS` slots. Each
   * lane claims up to half the slots on its own schedule, so one lane's tasks run while the
   * other lane's claim is in flight. Slots asked for by a claim in flight are reserved: tasks
   * running plus slots reserved never exceed `concurrency` (nor `maxTasks`).
   */
  async #claimLoop(): Promise<void> {
    const share = Math.ceil(this.#options.concurrency / this.#lanes);
    await Promise.all(this.#wakes.slice(0, this.#lanes).map((wake) => this.#claimLane(wake, share)));
  }

  async #claimLane(wake: Wake, share: number): Promise<void> {
    const { concurrency, maxTasks, batch, pollIntervalMs } = this.#options;
    const failures = new ClaimFailures();
    while (!this.#stopping) {
      if (maxTasks - this.#claimed <= 0) {
        this.#stopping = "maxTasks";
        this.#wakeAll();
        break;
      }
      const free = concurrency - this.#executing - this.#reserved;
      const remaining = maxTasks - this.#claimed - this.#reserved;
      // Back-pressure: don't run ahead of result writes.
      if (free <= 0 || remaining <= 0 || this.#completer.pending >= concurrency * 4) {
        await wake.sleep(this.#clock, pollIntervalMs);
        continue;
      }
      const limit = Math.min(free, remaining, share);
      this.#reserved += limit;
      let claimed: TaskRecord[] = [];
      let error: unknown;
      let failed = false;
      const now = this.#clock.now();
      const leaseExpiresAt = now.getTime() + this.#resolved.leaseMs;
      try {
        const claim = () =>
          this.#resolved.backend.claim({
            backend: this.#resolved.alias,
            now,
            workerId: this.id,
            queues: this.#options.queues,
            limit,
            leaseMs: this.#resolved.leaseMs,
            // Only names this process can run: a task type added by newer code stays READY for a worker that knows it.
            taskNames: registeredTaskNameSnapshot(),
          });
        const call = this.#telemetry ? this.#telemetry.storage("claim", this.#resolved.alias, limit, claim) : claim();
        claimed = await this.#deadline.bound("claim", call, (late) => this.#startLate(late, leaseExpiresAt));
        this.#outage.succeeded("claim");
      } catch (thrown) {
        failed = true;
        error = thrown;
      } finally {
        this.#reserved -= limit;
      }
      for (const record of claimed) this.#start(record, leaseExpiresAt);
      if (failed) {
        this.#outage.failed("claim", error);
        const backoff = failures.failed(error, batch);
        if (backoff === null) {
          this.#permanentFailure ??= error;
          this.#stopping ??= "batch";
          this.#wakeAll();
          break;
        }
        await wake.sleep(this.#clock, backoff);
        continue;
      }
      failures.reset();
      if (claimed.length === limit) continue;
      if (batch) {
        if (claimed.length === 0 && this.#running.size === 0 && this.#completer.pending === 0 && this.#reserved === 0) {
          this.#stopping = "batch";
          this.#wakeAll();
          break;
        }
        // Something is still running (it may schedule a retry) or being claimed: look again when it ends.
        if (this.#running.size > 0 || this.#reserved > 0) await wake.sleep(this.#clock, pollIntervalMs);
        continue;
      }
      await wake.sleep(this.#clock, pollIntervalMs);
    }
  }

  /**
   * Wakes one claim lane for an enqueue notification: a sleeping one if there is one, else
   * the first (which then claims again as soon as its claim in flight returns). One claim per
   * notification instead of one per lane keeps an idle worker's wake-up to one round trip.
   */
  #wakeOne(): void {
    const lanes = this.#wakes.slice(0, this.#lanes);
    (lanes.find((wake) => wake.sleeping) ?? this.#wakes[0]!).wake();
  }

  /** Wakes every claim lane (and the wait for running tasks at the end of a run). */
  #wakeAll(): void {
    for (const wake of this.#wakes) wake.wake();
  }

  /**
   * Tasks from a claim that returned after its time limit: they are RUNNING under this
   * worker's lease, so run them now (briefly above `concurrency`) rather than leave them to be
   * rescued with an attempt used up. After the run has ended they can only wait for rescue.
   */
  #startLate(records: TaskRecord[], leaseExpiresAt: number): void {
    if (records.length === 0) return;
    if (this.#finished.signal.aborted) {
      this.#logger.warn(`A claim that timed out returned ${records.length} task(s) after the worker stopped; they will be rescued when their leases run out.`, {
        ids: records.map((record) => record.id),
      });
      return;
    }
    this.#logger.warn(`A claim that timed out returned ${records.length} task(s) late; running them.`, { ids: records.map((record) => record.id) });
    for (const record of records) this.#start(record, leaseExpiresAt);
  }

  /** Runs one claimed task; `leaseExpiresAt` is its claim's time plus the lease (epoch ms). */
  #start(record: TaskRecord, leaseExpiresAt: number): void {
    const entry: RunningTask = { record, abort: new AttemptAbort(), leaseExpiresAt };
    // Claimed while a forced stop was under way (the claim was in flight): hand it back unrun.
    if (this.#forced) entry.abort.abort(this.#shutdownError(record));
    this.#running.set(record.id, entry);
    this.#executing++;
    this.#claimed++;
    if (taskEvents.listens("taskStarted")) taskEvents.emit("taskStarted", { result: new TaskResult(record) });
    void this.#execute(entry);
  }

  async #execute(entry: RunningTask): Promise<void> {
    let report: AttemptReport;
    try {
      const run = () => runAttempt(entry.record, { resolved: this.#resolved, clock: this.#clock, workerId: this.id, abort: entry.abort });
      report = await (this.#telemetry ? this.#telemetry.attempt(entry.record, this.id, run, attemptEndOf) : run());
    } finally {
      this.#executing--;
      this.#wakeAll();
    }
    try {
      await this.#recorder.record(entry.record, report);
    } catch (error) {
      this.#logger.error("Recording a task's outcome failed.", { id: entry.record.id, cause: storageErrorCause(error).text });
    } finally {
      this.#running.delete(entry.record.id);
      this.#wakeAll();
    }
  }
}
