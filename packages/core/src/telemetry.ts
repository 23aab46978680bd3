/**
 * The hooks through which core reports to a tracing and metrics system. Core calls them only
 * when one is configured (`configureTasks({ telemetry })`); without one, each call site is a
 * single `undefined` check. `@tasks/core/otel` implements them with OpenTelemetry.
 */
import type { EnqueueOutcome } from "./backend.js";
import type { TaskRecord } from "./records.js";

/** Propagation fields of a trace (W3C `traceparent`, `tracestate`), as stored with a task. */
export type TraceCarrier = Readonly<Record<string, string>>;

/** What an enqueue is about, for its producer span. */
export interface EnqueueSpanInfo {
  readonly backend: string;
  readonly taskName: string;
  readonly queueName: string;
  /** Tasks in this call (one span for a bulk enqueue). */
  readonly count: number;
}

/** How an attempt ended, as a span reports it. */
export type AttemptEndKind = "success" | "failure" | "retry" | "cancel" | "timeout" | "lost_lease" | "shutdown";

/** The end of one attempt: its kind, and the error when it failed. */
export interface AttemptEnd {
  readonly kind: AttemptEndKind;
  readonly error?: unknown;
}

/** The storage calls that can get their own spans. */
export type StorageOperation = "claim" | "complete";

/** What a tracing and metrics system is told (all optional: implement what you report). */
export interface TaskTelemetry {
  /**
   * Runs `write` (the storage call of one enqueue) inside a producer span. `write` must be
   * called synchronously: an enqueue inside a synchronous transaction writes before it returns.
   * It is given the propagation fields of that span, stored with every task of the call.
   */
  enqueue(info: EnqueueSpanInfo, write: (carrier: TraceCarrier | null) => Promise<EnqueueOutcome[]>): Promise<EnqueueOutcome[]>;
  /**
   * Runs one attempt of `record` inside a consumer span, active while the task runs (so spans
   * the task makes, and an atomic task's database work, are its children); `endOf` says how it
   * ended once `run` resolves.
   */
  attempt<T>(record: TaskRecord, workerId: string, run: () => Promise<T>, endOf: (value: T) => AttemptEnd): Promise<T>;
  /** Runs one storage call of a worker (`count` tasks) inside a span, when storage spans are on. */
  storage<T>(operation: StorageOperation, backend: string, count: number, call: () => Promise<T>): Promise<T>;
  /** Called by `configureTasks`: start listening (metrics from task events, health gauges). */
  install(): void;
  /** Called when the configuration is replaced or reset: stop listening and polling. */
  uninstall(): void;
}
