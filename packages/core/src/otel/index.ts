/**
 * `@tasks/core/otel`: traces and metrics through OpenTelemetry. Import it only where you want
 * them: `@tasks/core` itself never loads `@opentelemetry/api` (an optional peer dependency).
 *
 * @example
 * import { openTelemetry } from "@tasks/core/otel";
 * configureTasks({ backends: { default: backend }, telemetry: openTelemetry({ healthIntervalMs: 15_000 }) });
 */
import { metrics, trace, type MeterProvider, type TracerProvider } from "@opentelemetry/api";
import { InvalidConfigurationError } from "../errors.js";
import type { TaskTelemetry } from "../telemetry.js";
import { TaskMetrics } from "./metrics.js";
import { TaskTracing } from "./tracing.js";

export { ATTR, METRIC, MESSAGING_SYSTEM } from "./attributes.js";

/** Options of {@link openTelemetry}. */
export interface OpenTelemetryOptions {
  /** Where spans go. Default: the global tracer provider (set up by the OpenTelemetry SDK). */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider. */
  readonly meterProvider?: MeterProvider;
  /** A span for each claim and each batch of completions a worker writes. Default true. */
  readonly storageSpans?: boolean;
  /**
   * Make each attempt's span a child of the span that enqueued the task (one trace from the
   * request to the run). Default false: the attempt starts a trace of its own with a link to
   * the enqueue, as the messaging conventions advise for work that runs later, maybe many times.
   */
  readonly runInEnqueueTrace?: boolean;
  /**
   * Read `taskHealth()` this often (ms, at least 1,000) for the gauges of READY and RUNNING
   * tasks per queue and the age of the oldest READY task. Default: no gauges (no extra queries).
   */
  readonly healthIntervalMs?: number;
  /** Backend aliases whose health the gauges report. Default: every configured alias. */
  readonly healthBackends?: readonly string[];
}

/** The {@link TaskTelemetry} `openTelemetry()` makes; `pollHealth()` reads the gauges now. */
export interface OpenTelemetryTasks extends TaskTelemetry {
  /** Reads `taskHealth()` once for the gauges (also done every `healthIntervalMs`). */
  pollHealth(): Promise<void>;
}

/**
 * Traces and metrics for `configureTasks({ telemetry })`: a producer span per enqueue call, a
 * consumer span per attempt (linked to the enqueue through the trace context stored with the
 * task), spans for a worker's claims and completions, counters and histograms from task
 * events, and health gauges. See the core README ("OpenTelemetry") for every name.
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): OpenTelemetryTasks {
  const interval = options.healthIntervalMs;
  if (interval !== undefined && (typeof interval !== "number" || !Number.isInteger(interval) || interval < 1_000)) {
    throw new InvalidConfigurationError(`openTelemetry(): "healthIntervalMs" must be a whole number of milliseconds, at least 1000 (got ${String(interval)}).`);
  }
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer("@tasks/core");
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter("@tasks/core");
  const tracing = new TaskTracing(tracer, { storageSpans: options.storageSpans ?? true, runInEnqueueTrace: options.runInEnqueueTrace ?? false });
  const measuring = new TaskMetrics(meter, { healthIntervalMs: interval ?? null, healthBackends: options.healthBackends ?? null });
  return {
    enqueue: (info, write) => tracing.enqueue(info, write),
    attempt: (record, workerId, run, endOf) => tracing.attempt(record, workerId, run, endOf),
    storage: (operation, backend, count, call) => tracing.storage(operation, backend, count, call),
    install: () => measuring.install(),
    uninstall: () => measuring.uninstall(),
    pollHealth: () => measuring.pollHealth(),
  };
}
