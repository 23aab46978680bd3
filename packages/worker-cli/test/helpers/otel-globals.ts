/**
 * The OpenTelemetry globals the telemetry tests of this package need: an AsyncLocalStorage
 * context manager (so spans started inside a callback are its children) and the W3C
 * propagator (so an enqueue stores a `traceparent`). Registered for the file, removed after it.
 */
import { context, propagation } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { afterAll, beforeAll } from "vitest";

/** Registers the globals before the file's tests and removes them after (call inside a describe). */
export function useOtelGlobals(): void {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    contextManager.disable();
    context.disable();
    propagation.disable();
  });
}
