/**
 * A worker's schedule loop: enqueues the due occurrences of the schedules declared for its
 * backend alias. There is no leader: every worker does this, and the backend's
 * `enqueueOccurrences` stores each occurrence once whoever calls first.
 */
import type { EnqueueOccurrencesOutcome, ScheduledOccurrence, ScheduleState } from "../backend.js";
import { getTelemetry } from "../config.js";
import type { TraceCarrier } from "../telemetry.js";
import { taskEvents } from "../events.js";
import { TaskResult } from "../result.js";
import type { WorkerLoopContext } from "../worker/maintenance.js";
import { planOccurrences } from "./occurrences.js";
import type { Schedule } from "./schedule.js";

/** Wait before trying again after a failed storage call, or when nothing is known yet. */
const RETRY_MS = 1_000;
/** Longest sleep between passes, so a clock change is noticed. */
const MAX_SLEEP_MS = 60_000;

/** What a {@link Scheduler} works with; shared with the worker that owns it. */
export type SchedulerContext = WorkerLoopContext;

/** Enqueues due occurrences of `schedules` until `finished` aborts. */
export class Scheduler {
  readonly #context: SchedulerContext;
  readonly #schedules: readonly Schedule[];
  /** Settled-through times as last read from storage, by schedule name. */
  readonly #settled = new Map<string, Date>();
  /** Schedules whose task cannot be enqueued as declared (logged once, then left alone). */
  readonly #broken = new Set<string>();

  constructor(context: SchedulerContext, schedules: readonly Schedule[]) {
    this.#context = context;
    this.#schedules = schedules;
  }

  /** Runs passes until `finished` aborts; never throws. Returns at once without schedules. */
  async run(): Promise<void> {
    const { clock, finished } = this.#context;
    if (this.#schedules.length === 0) return;
    while (!finished.aborted) {
      await this.pass();
      await clock.sleep(this.#sleepMs(), finished);
    }
  }

  /** One pass: reads the stored states once, then enqueues what is due for each schedule. */
  async pass(): Promise<void> {
    if (this.#settled.size === 0 && !(await this.#register())) return;
    for (const declared of this.#schedules) {
      if (this.#context.finished.aborted) return;
      if (!this.#broken.has(declared.name)) await this.#enqueueDue(declared);
    }
  }

  async #register(): Promise<boolean> {
    const { resolved, clock, outage, deadline } = this.#context;
    try {
      const states = await deadline.bound(
        "registerSchedules",
        resolved.backend.registerSchedules!({ backend: resolved.alias, now: clock.now(), names: this.#schedules.map((declared) => declared.name) }),
      );
      outage.succeeded("registerSchedules");
      for (const state of states) this.#settled.set(state.name, state.settledThrough);
      return true;
    } catch (error) {
      outage.failed("registerSchedules", error);
      return false;
    }
  }

  async #enqueueDue(declared: Schedule): Promise<void> {
    const { resolved, clock, logger, outage, deadline } = this.#context;
    const settled = this.#settled.get(declared.name);
    if (settled === undefined) return;
    const now = clock.now();
    const plan = planOccurrences(declared, settled, now);
    if (plan === null) return;
    let occurrences;
    try {
      occurrences = plan.at.map((at) => ({ at, task: declared.task.occurrenceRecord([...declared.args], resolved, now, at) }));
    } catch (error) {
      this.#broken.add(declared.name);
      logger.error(`Schedule "${declared.name}" cannot enqueue its task as declared, so this worker skips it until restarted: ${error instanceof Error ? error.message : String(error)}`, {
        schedule: declared.name,
        task: declared.task.name,
      });
      return;
    }
    try {
      const outcome = await deadline.bound("enqueueOccurrences", this.#store(declared, now, plan.through, occurrences));
      outage.succeeded("enqueueOccurrences");
      this.#settled.set(declared.name, outcome.state.settledThrough);
      this.#report(declared, plan.at, outcome.enqueued.length, outcome.state);
      for (const record of outcome.enqueued) taskEvents.emit("taskEnqueued", { result: new TaskResult(record) });
    } catch (error) {
      outage.failed("enqueueOccurrences", error);
    }
  }

  /**
   * The backend call, inside a producer span when telemetry is configured: the tasks then carry
   * that span's trace context, as tasks enqueued by `Task.enqueue` do.
   */
  #store(declared: Schedule, now: Date, through: Date, occurrences: ScheduledOccurrence[]): Promise<EnqueueOccurrencesOutcome> {
    const { resolved } = this.#context;
    const store = (carrier: TraceCarrier | null) =>
      resolved.backend.enqueueOccurrences!({
        backend: resolved.alias,
        now,
        name: declared.name,
        through,
        occurrences: carrier ? occurrences.map(({ at, task }) => ({ at, task: { ...task, traceContext: carrier } })) : occurrences,
      });
    const telemetry = getTelemetry();
    if (!telemetry) return store(null);
    let outcome: EnqueueOccurrencesOutcome | undefined;
    const info = { backend: resolved.alias, taskName: declared.task.name, queueName: declared.task.queueName, count: occurrences.length };
    return telemetry
      .enqueue(info, async (carrier) => {
        outcome = await store(carrier);
        return outcome.enqueued.map((record) => ({ record, created: true }));
      })
      .then(() => outcome!);
  }

  #report(declared: Schedule, planned: readonly Date[], stored: number, state: ScheduleState): void {
    if (stored === 0) return;
    this.#context.logger.info(`Schedule "${declared.name}" enqueued ${stored} occurrence(s).`, {
      schedule: declared.name,
      task: declared.task.name,
      workerId: this.#context.workerId,
      planned: planned.length,
      lastEnqueuedFor: state.lastEnqueuedFor?.toISOString() ?? null,
    });
  }

  /** Until the next occurrence of any schedule, within [0, MAX_SLEEP_MS]; RETRY_MS while states are unknown. */
  #sleepMs(): number {
    const now = this.#context.clock.now().getTime();
    let wake = now + MAX_SLEEP_MS;
    for (const declared of this.#schedules) {
      if (this.#broken.has(declared.name)) continue;
      const settled = this.#settled.get(declared.name);
      if (settled === undefined) return RETRY_MS;
      const next = declared.nextAfter(settled);
      if (next !== null) wake = Math.min(wake, next.getTime());
    }
    // Due already but not settled: the last call failed; try again shortly, not in a tight loop.
    return wake <= now ? RETRY_MS : wake - now;
  }
}
