/**
 * Metrics from task events (enqueued, started, finished, retried; run duration and queue
 * wait) and, at an interval, gauges read from `taskHealth()` (READY and RUNNING counts per
 * queue, age of the oldest READY task per queue).
 */
import type { Attributes, Histogram, Meter, ObservableResult } from "@opentelemetry/api";
import { taskHealth } from "../admin.js";
import { configuredAliases, getClock, getLogger } from "../config.js";
import { taskEvents } from "../events.js";
import type { TaskResult } from "../result.js";
import { ATTR, MESSAGING_SYSTEM, METRIC } from "./attributes.js";

/** How {@link TaskMetrics} behaves (see `OpenTelemetryOptions`). */
export interface MetricsSettings {
  /** Read `taskHealth()` this often for the gauges; `null`: no gauges. */
  readonly healthIntervalMs: number | null;
  /** Aliases whose health is read; `null`: every configured alias. */
  readonly healthBackends: readonly string[] | null;
}

/** One gauge reading: its value and attributes. */
interface Reading {
  readonly value: number;
  readonly attributes: Attributes;
}

/**
 * Counts kept here by attribute set and reported when the meter collects. The SDK hashes the
 * attributes of every `Counter.add` (sorting and joining them); a per-task counter paid that
 * on each event, a measurable part of a drain's CPU. An observable counter pays it per
 * attribute set and collection instead.
 */
class Tally {
  readonly #entries = new Map<string, { readonly attributes: Attributes; value: number }>();

  /** Adds one under `key`; `attributesOf` runs only the first time a key is seen. */
  add(key: string, attributesOf: () => Attributes): void {
    const entry = this.#entries.get(key);
    if (entry) entry.value++;
    else this.#entries.set(key, { attributes: attributesOf(), value: 1 });
  }

  /** Reports every running total (cumulative, as a counter's sum). */
  observe(result: ObservableResult): void {
    for (const entry of this.#entries.values()) result.observe(entry.value, entry.attributes);
  }
}

/** The instruments, the event listeners that feed them, and the health poll. */
export class TaskMetrics {
  readonly #settings: MetricsSettings;
  readonly #enqueued = new Tally();
  readonly #started = new Tally();
  readonly #finished = new Tally();
  readonly #retried = new Tally();
  readonly #runDuration: Histogram;
  readonly #queueWait: Histogram;
  #gauges: { ready: Reading[]; running: Reading[]; oldest: Reading[] } = { ready: [], running: [], oldest: [] };
  #unsubscribe: (() => void)[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(meter: Meter, settings: MetricsSettings) {
    this.#settings = settings;
    const counter = (name: string, description: string, tally: Tally) =>
      meter.createObservableCounter(name, { description }).addCallback((result) => tally.observe(result));
    counter(METRIC.enqueued, "Tasks stored by enqueue.", this.#enqueued);
    counter(METRIC.started, "Attempts a worker started.", this.#started);
    counter(METRIC.finished, "Tasks that reached SUCCESSFUL, FAILED or CANCELLED (while running), by status.", this.#finished);
    counter(METRIC.retried, "Attempts that failed and left the task READY for a retry.", this.#retried);
    this.#runDuration = meter.createHistogram(METRIC.runDuration, { unit: "s", description: "How long attempts ran, by outcome status." });
    this.#queueWait = meter.createHistogram(METRIC.queueWait, { unit: "s", description: "From when a task became runnable to when its attempt started." });
    const observe = (readings: () => Reading[]) => (result: ObservableResult) => {
      for (const reading of readings()) result.observe(reading.value, reading.attributes);
    };
    meter.createObservableGauge(METRIC.ready, { description: "READY tasks per queue, from health()." }).addCallback(observe(() => this.#gauges.ready));
    meter.createObservableGauge(METRIC.running, { description: "RUNNING tasks per queue, from health()." }).addCallback(observe(() => this.#gauges.running));
    meter
      .createObservableGauge(METRIC.oldestReadyAge, { unit: "s", description: "Age of the oldest runnable READY task per queue (0 when none is runnable), from health()." })
      .addCallback(observe(() => this.#gauges.oldest));
  }

  /** Starts listening to task events, and polling health when asked to. */
  install(): void {
    this.uninstall();
    this.#unsubscribe = [
      taskEvents.on("taskEnqueued", ({ result }) => this.#enqueued.add(keyOf(result), () => base(result, "send"))),
      taskEvents.on("taskStarted", ({ result }) => this.#onStarted(result)),
      taskEvents.on("taskFinished", ({ result }) => this.#onEnded(result, result.status, result.finishedAt)),
      taskEvents.on("taskRetried", ({ result }) => this.#onEnded(result, "READY", getClock().now())),
    ];
    const interval = this.#settings.healthIntervalMs;
    if (interval !== null) {
      void this.pollHealth();
      this.#timer = setInterval(() => void this.pollHealth(), interval);
      this.#timer.unref();
    }
  }

  /** Stops listening and polling. */
  uninstall(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Reads `taskHealth()` of each alias once and keeps the readings the gauges report. */
  async pollHealth(): Promise<void> {
    const aliases = this.#settings.healthBackends ?? configuredAliases();
    const gauges: { ready: Reading[]; running: Reading[]; oldest: Reading[] } = { ready: [], running: [], oldest: [] };
    for (const alias of aliases) {
      try {
        // Only live counts: a poll must not count the whole results table.
        const report = await taskHealth({ backend: alias, recentFailures: 0, scope: "live" });
        for (const [queue, counts] of Object.entries(report.queues)) {
          const attributes = { [ATTR.system]: MESSAGING_SYSTEM, [ATTR.backend]: alias, [ATTR.destination]: queue };
          gauges.ready.push({ value: counts.READY, attributes });
          gauges.running.push({ value: counts.RUNNING, attributes });
          // A queue with stored tasks but none runnable reads 0, so a backlog alert clears.
          gauges.oldest.push({ value: (report.readyAgeByQueue[queue] ?? 0) / 1000, attributes });
        }
      } catch (error) {
        getLogger().warn("Reading health() for the OpenTelemetry gauges failed; they keep their last values.", { backend: alias, cause: String(error) });
        return;
      }
    }
    this.#gauges = gauges;
  }

  #onStarted(result: TaskResult): void {
    this.#started.add(keyOf(result), () => base(result, "process"));
    const runnable = (result.runAfter ?? result.enqueuedAt).getTime();
    const started = result.lastAttemptedAt?.getTime();
    if (started !== undefined) this.#queueWait.record(Math.max(0, started - runnable) / 1000, base(result, "process"));
  }

  #onEnded(result: TaskResult, status: string, endedAt: Date | null): void {
    const attributes = { ...base(result, "process"), [ATTR.status]: status };
    (status === "READY" ? this.#retried : this.#finished).add(`${keyOf(result)}\u0000${status}`, () => attributes);
    const started = result.lastAttemptedAt?.getTime();
    if (started !== undefined && endedAt) this.#runDuration.record(Math.max(0, endedAt.getTime() - started) / 1000, attributes);
  }
}

/** The attribute set of a task's counters as a map key (alias, queue, task name). */
function keyOf(result: TaskResult): string {
  return `${result.backend}\u0000${result.queueName}\u0000${result.taskName}`;
}

function base(result: TaskResult, operation: string): Attributes {
  return {
    [ATTR.system]: MESSAGING_SYSTEM,
    [ATTR.operationName]: operation,
    [ATTR.destination]: result.queueName,
    [ATTR.taskName]: result.taskName,
    [ATTR.backend]: result.backend,
  };
}
