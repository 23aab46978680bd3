/**
 * `--trace` (or `DEMO_TRACE=1`): OpenTelemetry spans of the demo's tasks, printed to the
 * console by the SDK's `ConsoleSpanExporter` as each span ends. The W3C propagator makes each
 * enqueue store its trace context with the task, so a `process` span links to the `send` span
 * of its enqueue, also when a separate `db-worker` process runs it.
 */
import { context, propagation } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { TaskTelemetry } from "@tasks/core";
import { openTelemetry } from "@tasks/core/otel";

/** Telemetry to pass to `configureTasks`, and the provider's shutdown for the end of the run. */
export interface DemoTracing {
  readonly telemetry: TaskTelemetry;
  shutdown(): Promise<void>;
}

/** Whether this run should print spans: `--trace` among `argv`, or `DEMO_TRACE=1`. */
export function traceRequested(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes("--trace") || env.DEMO_TRACE === "1";
}

/**
 * Registers the async-hooks context manager and the W3C propagator globally (what an
 * application's OpenTelemetry SDK set-up does) and returns telemetry through a provider that
 * prints every finished span; `null` when tracing was not asked for.
 */
export function demoTracing(requested: boolean = traceRequested()): DemoTracing | null {
  if (!requested) return null;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
  return { telemetry: openTelemetry({ tracerProvider }), shutdown: () => tracerProvider.shutdown() };
}
