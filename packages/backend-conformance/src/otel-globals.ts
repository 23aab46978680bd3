/**
 * The OpenTelemetry globals the telemetry tests need: an AsyncLocalStorage context manager
 * (spans started inside a callback are its children; an enqueue's span reaches the stored
 * trace context) and the W3C propagator (an enqueue stores a `traceparent`).
 */
import { context, propagation } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { afterAll, beforeAll } from "vitest";

/** Registers the globals now; the function returned removes them. */
export function installOtelGlobals(): () => void {
  const contextManager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return () => {
    contextManager.disable();
    context.disable();
    propagation.disable();
  };
}

/** Registers the globals before the enclosing describe's tests and removes them after. */
export function useOtelGlobals(): void {
  let uninstall: (() => void) | null = null;
  beforeAll(() => {
    uninstall = installOtelGlobals();
  });
  afterAll(() => uninstall?.());
}
