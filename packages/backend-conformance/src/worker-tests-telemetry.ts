/**
 * Worker tests: OpenTelemetry traces and metrics on a real backend, read back through the
 * SDK's in-memory exporter and a metric reader. The trace context travels through storage:
 * the attempt's span finds the enqueue's span only through what the backend stored.
 */
import { SpanKind, SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { ResultStatus, schedule, task, taskEvents, type TaskResult } from "@tasks/core";
import { openTelemetry, type OpenTelemetryOptions } from "@tasks/core/otel";
import { expect, it } from "vitest";
import { useOtelGlobals } from "./otel-globals.js";
import type { WorkerTestContext } from "./worker-context.js";
import { advanceUntil } from "./worker-helpers.js";

/** A reader the test collects from when it wants (no export interval). */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Spans and metrics of one test. */
interface Telemetry {
  readonly spans: InMemorySpanExporter;
  readonly reader: CollectingReader;
  readonly options: OpenTelemetryOptions;
}

function newTelemetry(extra: OpenTelemetryOptions = {}): Telemetry {
  const spans = new InMemorySpanExporter();
  const reader = new CollectingReader();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return { spans, reader, options: { tracerProvider, meterProvider, ...extra } };
}

/** The data points of metric `name`, each with its attributes. */
async function pointsOf(reader: CollectingReader, name: string): Promise<DataPoint<number | Histogram>[]> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((entry) => entry.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<number | Histogram>[];
}

function sumWhere(points: readonly DataPoint<number | Histogram>[], match: Attributes): number {
  return points
    .filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + (typeof point.value === "number" ? point.value : point.value.count), 0);
}

const named = (spans: readonly ReadableSpan[], name: string) => spans.filter((span) => span.name === name);

/**
 * Ids of the tasks the worker has reported finished. It reports after its write returns, and
 * after the attempt's span ended and its metrics were counted, while a reader of the stored row
 * can see it finished before that: tests wait on this set, never on the stored status.
 */
function finishedByWorker(): ReadonlySet<string> {
  const ids = new Set<string>();
  taskEvents.on("taskFinished", ({ result }) => void ids.add(result.id));
  return ids;
}

/** Registers the telemetry tests. */
export function telemetryWorkerTests(context_: WorkerTestContext): void {
  const { setUp, startWorker } = context_;
  useOtelGlobals();

  it("traces: a producer span per enqueue call, a consumer span per attempt linked to it through storage, claim and complete spans; metrics count the work", async () => {
    const telemetry = newTelemetry();
    const { alias, clock } = setUp({ telemetry: openTelemetry(telemetry.options), maxAttempts: 2 });
    const greet = task({ name: "otel.greet", backend: alias }, (name: string) => `hello ${name}`);
    let failures = 0;
    const flaky = task({ name: "otel.flaky", backend: alias, backoff: () => 1_000 }, () => {
      failures++;
      throw new TypeError("not yet");
    });
    const requestTracer = telemetry.options.tracerProvider!.getTracer("app");
    const [single, bulk, failing] = await requestTracer.startActiveSpan("request", async (request) => {
      const one = await greet.enqueue("ada");
      const many = await greet.enqueueMany([["bob"], ["cy"]]);
      const bad = await flaky.enqueue();
      request.end();
      return [one, many, bad] as const;
    });
    const finishedIds = finishedByWorker();
    startWorker();
    await advanceUntil(clock, "every task is finished", () => finishedIds.size === 4);
    const stored = await Promise.all([single, ...bulk, failing].map((result) => result.refresh()));
    expect(stored.map((result) => result.status)).toEqual([ResultStatus.SUCCESSFUL, ResultStatus.SUCCESSFUL, ResultStatus.SUCCESSFUL, ResultStatus.FAILED]);
    const spans = telemetry.spans.getFinishedSpans();
    const request = named(spans, "request")[0]!;

    const sends = named(spans, "send default");
    expect(sends).toHaveLength(3);
    for (const send of sends) {
      expect(send.kind).toBe(SpanKind.PRODUCER);
      expect(send.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
      expect(send.attributes).toMatchObject({ "messaging.system": "tasks", "messaging.operation.type": "send", "messaging.destination.name": "default", "tasks.backend": alias });
    }
    const singleSend = sends.find((span) => span.attributes["messaging.message.id"] === single.id)!;
    expect(singleSend.attributes["tasks.task.name"]).toBe("otel.greet");
    expect(sends.find((span) => span.attributes["messaging.batch.message_count"] === 2)).toBeDefined();

    const processes = named(spans, "process default");
    // 3 greetings, and the flaky task twice (a retry, then the final failure).
    expect(processes).toHaveLength(5);
    expect(failures).toBe(2);
    for (const processed of processes) {
      expect(processed.kind).toBe(SpanKind.CONSUMER);
      // A trace of its own (not a child of the request), linked to the enqueue's span.
      expect(processed.parentSpanContext).toBeUndefined();
      expect(processed.links).toHaveLength(1);
      const producer = sends.find((send) => send.spanContext().spanId === processed.links[0]!.context.spanId);
      expect(producer, "the attempt links to the span of the enqueue that stored it").toBeDefined();
    }
    const ran = processes.find((span) => span.attributes["messaging.message.id"] === single.id)!;
    expect(ran.attributes).toMatchObject({ "messaging.operation.type": "process", "tasks.task.name": "otel.greet", "tasks.attempt": 1, "tasks.outcome": "success" });
    expect(typeof ran.attributes["messaging.client.id"]).toBe("string");
    expect(ran.status.code).toBe(SpanStatusCode.UNSET);
    const flakyRuns = processes.filter((span) => span.attributes["messaging.message.id"] === failing.id).sort((a, b) => Number(a.attributes["tasks.attempt"]) - Number(b.attributes["tasks.attempt"]));
    expect(flakyRuns.map((span) => span.attributes["tasks.outcome"])).toEqual(["retry", "failure"]);
    for (const span of flakyRuns) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes["error.type"]).toBe("TypeError");
      expect(span.events.some((event) => event.name === "exception")).toBe(true);
    }
    expect(named(spans, `claim ${alias}`).some((span) => span.kind === SpanKind.CLIENT && Number(span.attributes["messaging.batch.message_count"]) >= 1)).toBe(true);
    expect(named(spans, `complete ${alias}`).length).toBeGreaterThan(0);

    const byTask = (name: string) => ({ "tasks.task.name": name, "tasks.backend": alias });
    expect(sumWhere(await pointsOf(telemetry.reader, "messaging.client.sent.messages"), byTask("otel.greet"))).toBe(3);
    expect(sumWhere(await pointsOf(telemetry.reader, "messaging.client.consumed.messages"), byTask("otel.flaky"))).toBe(2);
    const finished = await pointsOf(telemetry.reader, "tasks.finished");
    expect(sumWhere(finished, { ...byTask("otel.greet"), "tasks.status": ResultStatus.SUCCESSFUL })).toBe(3);
    expect(sumWhere(finished, { ...byTask("otel.flaky"), "tasks.status": ResultStatus.FAILED })).toBe(1);
    expect(sumWhere(await pointsOf(telemetry.reader, "tasks.retried"), byTask("otel.flaky"))).toBe(1);
    expect(sumWhere(await pointsOf(telemetry.reader, "messaging.process.duration"), byTask("otel.greet"))).toBe(3);
    expect(sumWhere(await pointsOf(telemetry.reader, "tasks.queue.wait"), byTask("otel.flaky"))).toBe(2);
  });

  it("runInEnqueueTrace makes the attempt a child of the enqueue; health gauges report READY tasks and the oldest READY age per queue", async () => {
    const telemetry = newTelemetry({ runInEnqueueTrace: true, storageSpans: false });
    const tasksTelemetry = openTelemetry(telemetry.options);
    const { alias, clock } = setUp({ telemetry: tasksTelemetry });
    const report = task({ name: "otel.report", backend: alias, queueName: "reports" }, () => trace.getActiveSpan()?.spanContext().traceId ?? null);
    const waiting = await report.using({ queueName: "later" }).enqueueMany([[], []]);
    await clock.advance(4_000);
    const first = await report.enqueue();
    await clock.advance(1_000);
    await tasksTelemetry.pollHealth();
    const ready = await pointsOf(telemetry.reader, "tasks.queue.ready");
    expect(sumWhere(ready, { "tasks.backend": alias, "messaging.destination.name": "later" })).toBe(2);
    expect(sumWhere(ready, { "tasks.backend": alias, "messaging.destination.name": "reports" })).toBe(1);
    const oldest = await pointsOf(telemetry.reader, "tasks.queue.oldest_ready_age");
    expect(sumWhere(oldest, { "tasks.backend": alias, "messaging.destination.name": "later" })).toBe(5);
    expect(sumWhere(oldest, { "tasks.backend": alias, "messaging.destination.name": "reports" })).toBe(1);

    startWorker({ queues: ["reports"] });
    await advanceUntil(clock, "the report ran", async () => (await first.refresh()).isFinished);
    const spans = telemetry.spans.getFinishedSpans();
    const send = named(spans, "send reports")[0]!;
    const processed = named(spans, "process reports")[0]!;
    expect(processed.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(processed.spanContext().traceId).toBe(send.spanContext().traceId);
    // The task ran under the attempt's span: its own trace id is the enqueue's.
    expect((await first.refresh()).returnValue).toBe(send.spanContext().traceId);
    expect(named(spans, `claim ${alias}`)).toEqual([]);
    expect(waiting.every((result) => result.status === ResultStatus.READY)).toBe(true);
  });

  it("with metrics only (no tracer provider: the API's no-op tracer), attempts are counted and run without entering a span context", async () => {
    const telemetry = newTelemetry();
    const { alias, clock } = setUp({ telemetry: openTelemetry({ meterProvider: telemetry.options.meterProvider! }) });
    const probe = task({ name: "otel.metrics-only", backend: alias }, () => trace.getActiveSpan() === undefined);
    const result = await probe.enqueue();
    expect((await result.refresh()).status).toBe(ResultStatus.READY);
    const finishedIds = finishedByWorker();
    startWorker();
    await advanceUntil(clock, "the probe ran", () => finishedIds.has(result.id));
    const done = await result.refresh();
    expect(done.returnValue, "no span context was entered around the attempt").toBe(true);
    expect(sumWhere(await pointsOf(telemetry.reader, "tasks.finished"), { "tasks.task.name": "otel.metrics-only", "tasks.backend": alias })).toBe(1);
    expect(telemetry.spans.getFinishedSpans()).toEqual([]);
  });

  it("an atomic task's database work runs under its attempt's span: a span opened inside the transaction is a child of the process span", async (test) => {
    const telemetry = newTelemetry({ storageSpans: false });
    const setup = setUp({ telemetry: openTelemetry(telemetry.options) });
    if (!setup.backend.capabilities.supportsAtomic) test.skip("the backend has no atomic tasks (capabilities.supportsAtomic is false)");
    const { alias, clock } = setup;
    const tracer = telemetry.options.tracerProvider!.getTracer("app");
    const issue = task({ name: "otel.atomic", backend: alias, atomic: true, takesContext: true }, async (ctx) => {
      // What a database instrumentation does for each statement: a span under the active context.
      const work = tracer.startSpan("db work");
      work.setAttribute("in.transaction", ctx.transaction !== undefined && ctx.transaction !== null);
      work.end();
      return trace.getActiveSpan()?.spanContext().spanId ?? null;
    });
    const result = await issue.enqueue();
    const finishedIds = finishedByWorker();
    startWorker();
    await advanceUntil(clock, "the atomic task ran", () => finishedIds.has(result.id));
    const done = await result.refresh();
    expect(done.status).toBe(ResultStatus.SUCCESSFUL);
    const spans = telemetry.spans.getFinishedSpans();
    const processed = named(spans, "process default").find((span) => span.attributes["messaging.message.id"] === result.id)!;
    expect(processed.attributes["tasks.outcome"]).toBe("success");
    const work = named(spans, "db work")[0]!;
    expect(work.attributes["in.transaction"]).toBe(true);
    expect(work.parentSpanContext?.spanId).toBe(processed.spanContext().spanId);
    expect(done.returnValue).toBe(processed.spanContext().spanId);
  });

  it("a task a schedule enqueued carries the trace context of the scheduler's send span, which its attempt links to", async (test) => {
    const telemetry = newTelemetry({ storageSpans: false });
    const setup = setUp({ telemetry: openTelemetry(telemetry.options) });
    if (!setup.backend.capabilities.supportsSchedules) test.skip("the backend does not store schedules (capabilities.supportsSchedules is false)");
    const { alias, clock } = setup;
    const tick = task({ name: "otel.tick", backend: alias }, () => null);
    schedule(tick, { cron: "*/10 * * * * *" });
    const enqueued: TaskResult[] = [];
    taskEvents.on("taskEnqueued", ({ result }) => void (result.backend === alias && enqueued.push(result)));
    startWorker();
    await advanceUntil(clock, "an occurrence ran", async () => enqueued.length > 0 && (await enqueued[0]!.refresh()).isFinished);
    const spans = telemetry.spans.getFinishedSpans();
    const processed = named(spans, "process default").find((span) => span.attributes["messaging.message.id"] === enqueued[0]!.id)!;
    expect(processed).toBeDefined();
    expect(processed.links).toHaveLength(1);
    const send = named(spans, "send default").find((span) => span.spanContext().spanId === processed.links[0]!.context.spanId);
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(send?.attributes["tasks.task.name"]).toBe("otel.tick");
    expect(enqueued[0]!.scheduledFor).not.toBeNull();
  });
}
