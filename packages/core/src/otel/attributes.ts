/**
 * The names this project's spans and metrics use. `messaging.*` names are those of the
 * OpenTelemetry messaging semantic conventions; `tasks.*` names are this project's own, for
 * what the conventions have no name for.
 */

/** `messaging.system`: the value every span and metric of this project carries. */
export const MESSAGING_SYSTEM = "tasks";

/** Attribute names (documented in the core README, "OpenTelemetry"). */
export const ATTR = {
  system: "messaging.system",
  operationName: "messaging.operation.name",
  operationType: "messaging.operation.type",
  destination: "messaging.destination.name",
  messageId: "messaging.message.id",
  batchCount: "messaging.batch.message_count",
  clientId: "messaging.client.id",
  errorType: "error.type",
  taskName: "tasks.task.name",
  backend: "tasks.backend",
  attempt: "tasks.attempt",
  maxAttempts: "tasks.max_attempts",
  outcome: "tasks.outcome",
  status: "tasks.status",
  existing: "tasks.unique.existing",
} as const;

/** Metric names. */
export const METRIC = {
  enqueued: "messaging.client.sent.messages",
  started: "messaging.client.consumed.messages",
  runDuration: "messaging.process.duration",
  queueWait: "tasks.queue.wait",
  finished: "tasks.finished",
  retried: "tasks.retried",
  ready: "tasks.queue.ready",
  running: "tasks.queue.running",
  oldestReadyAge: "tasks.queue.oldest_ready_age",
} as const;

/** The error's class name, for `error.type`. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return error.constructor?.name || error.name || "Error";
  return typeof error;
}
