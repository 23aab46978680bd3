/** Spans for enqueues (producer), attempts (consumer) and a worker's claims and completions. */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Link, type Span, type Tracer } from "@opentelemetry/api";
import type { EnqueueOutcome } from "../backend.js";
import type { TaskRecord } from "../records.js";
import type { AttemptEnd, EnqueueSpanInfo, StorageOperation, TraceCarrier } from "../telemetry.js";
import { ATTR, errorTypeOf, MESSAGING_SYSTEM } from "./attributes.js";

/** How {@link TaskTracing} behaves (see `OpenTelemetryOptions`). */
export interface TracingSettings {
  readonly storageSpans: boolean;
  readonly runInEnqueueTrace: boolean;
}

const STORAGE_TYPE: Record<StorageOperation, string> = { claim: "receive", complete: "settle" };
const ERROR_ENDS = new Set<AttemptEnd["kind"]>(["failure", "retry", "timeout", "lost_lease"]);

/** Makes the spans of the telemetry hooks with one tracer. */
export class TaskTracing {
  readonly #tracer: Tracer;
  readonly #settings: TracingSettings;

  constructor(tracer: Tracer, settings: TracingSettings) {
    this.#tracer = tracer;
    this.#settings = settings;
  }

  /** A producer span around one enqueue call; the tasks store its context. */
  enqueue(info: EnqueueSpanInfo, write: (carrier: TraceCarrier | null) => Promise<EnqueueOutcome[]>): Promise<EnqueueOutcome[]> {
    const attributes = {
      ...taskAttributes("send", info.queueName, info.taskName, info.backend),
      ...(info.count > 1 ? { [ATTR.batchCount]: info.count } : {}),
    };
    const span = this.#tracer.startSpan(`send ${info.queueName}`, { kind: SpanKind.PRODUCER, attributes });
    if (untraced(span)) return write(null);
    return context.with(trace.setSpan(context.active(), span), () => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      // ended() calls write before its first await: an enqueue in a synchronous transaction writes at once.
      return ended(span, () => write(Object.keys(carrier).length > 0 ? carrier : null), (outcomes) => {
        const [only] = outcomes;
        if (outcomes.length !== 1 || !only) return;
        span.setAttribute(ATTR.messageId, only.record.id);
        if (!only.created) span.setAttribute(ATTR.existing, true);
      });
    });
  }

  /** A consumer span around one attempt, linked to (or, if asked, a child of) its enqueue's span. */
  attempt<T>(record: TaskRecord, workerId: string, run: () => Promise<T>, endOf: (value: T) => AttemptEnd): Promise<T> {
    const enqueued = record.traceContext ? propagation.extract(ROOT_CONTEXT, record.traceContext) : null;
    const enqueueSpan = enqueued ? trace.getSpanContext(enqueued) : undefined;
    const valid = enqueueSpan !== undefined && trace.isSpanContextValid(enqueueSpan);
    const links: Link[] = valid ? [{ context: enqueueSpan }] : [];
    const parent = valid && this.#settings.runInEnqueueTrace && enqueued ? enqueued : ROOT_CONTEXT;
    const attributes = {
      ...taskAttributes("process", record.queueName, record.taskName, record.backend),
      [ATTR.messageId]: record.id,
      [ATTR.clientId]: workerId,
      [ATTR.attempt]: record.attempts,
      [ATTR.maxAttempts]: record.maxAttempts,
    };
    const span = this.#tracer.startSpan(`process ${record.queueName}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
    if (untraced(span)) return run();
    return context.with(trace.setSpan(parent, span), () =>
      ended(span, run, (value) => {
        const end = endOf(value);
        span.setAttribute(ATTR.outcome, end.kind);
        if (ERROR_ENDS.has(end.kind)) failed(span, end.error);
      }),
    );
  }

  /** A client span around one claim or completion call (when storage spans are on). */
  storage<T>(operation: StorageOperation, backend: string, count: number, call: () => Promise<T>): Promise<T> {
    if (!this.#settings.storageSpans) return call();
    const attributes = {
      [ATTR.system]: MESSAGING_SYSTEM,
      [ATTR.operationName]: operation,
      [ATTR.operationType]: STORAGE_TYPE[operation],
      [ATTR.backend]: backend,
      [ATTR.batchCount]: count,
    };
    const span = this.#tracer.startSpan(`${operation} ${backend}`, { kind: SpanKind.CLIENT, attributes });
    if (untraced(span)) return call();
    return context.with(trace.setSpan(context.active(), span), () =>
      ended(span, call, (value) => {
        // A claim's count is what it took, not what it asked for.
        if (Array.isArray(value)) span.setAttribute(ATTR.batchCount, value.length);
      }),
    );
  }
}

/**
 * Whether `span` comes from a tracer that traces nothing (the API's no-op tracer: no SDK
 * registered): then the call runs without entering a context. On Node 20 entering one turns
 * on async hooks for every promise in the process, which cost a drain a quarter of its
 * throughput for spans that are thrown away. A span the SDK's sampler dropped still has a
 * valid context and is entered, so the task's own spans follow the same sampling decision.
 */
function untraced(span: Span): boolean {
  return !span.isRecording() && !trace.isSpanContextValid(span.spanContext());
}

/** Runs `call` (synchronously up to its first await), lets `onValue` describe its result, marks a throw as failed, then ends `span`. */
async function ended<T>(span: Span, call: () => Promise<T>, onValue: (value: T) => void): Promise<T> {
  try {
    const value = await call();
    onValue(value);
    return value;
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** The attributes every send and process span has: the operation, the queue, the task and the alias. */
function taskAttributes(operation: "send" | "process", queueName: string, taskName: string, backend: string): Attributes {
  return {
    [ATTR.system]: MESSAGING_SYSTEM,
    [ATTR.operationName]: operation,
    [ATTR.operationType]: operation,
    [ATTR.destination]: queueName,
    [ATTR.taskName]: taskName,
    [ATTR.backend]: backend,
  };
}

/** Marks `span` as failed with `error` (recorded as an exception event); ends nothing. */
function failed(span: Span, error: unknown): void {
  if (error !== undefined) {
    span.setAttribute(ATTR.errorType, errorTypeOf(error));
    if (error instanceof Error) span.recordException(error);
  }
  span.setStatus({ code: SpanStatusCode.ERROR, ...(error instanceof Error ? { message: error.message } : {}) });
}
