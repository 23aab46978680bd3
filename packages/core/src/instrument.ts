import type { TaskBackend } from "./backend.js";
import type { Logger } from "./logger.js";

/** A backend call slower than this is logged as a warning. */
export const SLOW_BACKEND_CALL_MS = 2_000;

const OPERATIONS = [
  "enqueue",
  "claim",
  "heartbeat",
  "complete",
  "completeAtomically",
  "rescueExpired",
  "cancel",
  "deschedule",
  "get",
  "health",
  "prune",
  "close",
  "verify",
  "pendingMigrations",
  "migrate",
  "registerSchedules",
  "enqueueOccurrences",
  "listSchedules",
  "listTasks",
  "retryTasks",
  "deleteTasks",
  "countFinished",
] as const;

/**
 * The same backend with every storage call timed and logged: a debug line per call, a
 * warning for slow calls, a debug line with the error for failed ones (the caller decides
 * how loud a failure is). Calls start synchronously, so a backend that must write inside a
 * synchronous transaction (better-sqlite3) still does.
 */
export function instrumentBackend(backend: TaskBackend, alias: string, logger: () => Logger): TaskBackend {
  const wrapped: Record<string, unknown> = {
    kind: backend.kind,
    capabilities: backend.capabilities,
  };
  for (const name of OPERATIONS) {
    const operation = backend[name] as ((params?: unknown) => Promise<unknown>) | undefined;
    if (!operation) continue;
    wrapped[name] = (params?: unknown) => {
      const started = performance.now();
      const report = (error?: unknown) => {
        const ms = Math.round((performance.now() - started) * 10) / 10;
        const fields = { backend: alias, kind: backend.kind, ms, ...(error ? { error: String(error) } : {}) };
        if (!error && ms >= SLOW_BACKEND_CALL_MS) logger().warn(`Slow storage call: ${name} took ${ms} ms.`, fields);
        else logger().debug(error ? `Storage call ${name} failed.` : `Storage call ${name}.`, fields);
      };
      return operation.call(backend, params).then(
        (value) => {
          report();
          return value;
        },
        (error: unknown) => {
          report(error);
          throw error;
        },
      );
    };
  }
  if (backend.onTasksAvailable) wrapped.onTasksAvailable = backend.onTasksAvailable.bind(backend);
  return wrapped as unknown as TaskBackend;
}
