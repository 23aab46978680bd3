/**
 * OpenTelemetry for this project's bench worker when `BENCH_OURS_OTEL` is `1` (traces and
 * metrics), `traces`, `metrics` or `noop` (the hooks and the context manager over the API's
 * no-op providers): the SDK's tracer (batched spans) and meter (one reader)
 * behind `openTelemetry()`, with exporters that drop what they get. It measures what turning telemetry on costs a worker — our hooks, the
 * API and the SDK — without any network or collector in the numbers.
 */
import type { TaskTelemetry } from "@tasks/core";

/** Whether the bench worker should run with telemetry on. */
export function benchTelemetryWanted(): boolean {
  return ["1", "traces", "metrics", "noop"].includes(process.env.BENCH_OURS_OTEL ?? "");
}

/** Telemetry with SDK providers and discarding exporters; `shutdown` flushes and stops them. */
export async function benchTelemetry(): Promise<{ telemetry: TaskTelemetry; shutdown: () => Promise<void> }> {
  const { context, propagation } = await import("@opentelemetry/api");
  const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
  const { W3CTraceContextPropagator, ExportResultCode } = await import("@opentelemetry/core");
  const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = await import("@opentelemetry/sdk-metrics");
  const { openTelemetry } = await import("@tasks/core/otel");
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const discard = (_items: unknown, done: (result: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS });
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor({ export: discard, shutdown: async () => {}, forceFlush: async () => {} })],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exportIntervalMillis: 10_000,
        exporter: { export: discard, shutdown: async () => {}, forceFlush: async () => {}, selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE },
      }),
    ],
  });
  return {
    telemetry: openTelemetry({
      ...(["metrics", "noop"].includes(process.env.BENCH_OURS_OTEL!) ? {} : { tracerProvider }),
      ...(["traces", "noop"].includes(process.env.BENCH_OURS_OTEL!) ? {} : { meterProvider }),
    }),
    shutdown: async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
