import { taskEvents, type Logger, type TaskResult } from "@tasks/core";
import { formatMs } from "../args/durations.js";

/** Running totals kept from task events, for the status line. */
export interface TaskTotals {
  done: number;
  failed: number;
}

/**
 * Logs one line when each task starts and one when it ends (id, task name, queue, duration,
 * outcome) from core's task events, and keeps totals. Returns a function that unsubscribes.
 */
export function logTaskEvents(logger: Logger, totals: TaskTotals): () => void {
  const startedAt = new Map<string, number>();
  const elapsed = (result: TaskResult<unknown>): string | undefined => {
    const start = startedAt.get(result.id);
    startedAt.delete(result.id);
    return start === undefined ? undefined : formatMs(performance.now() - start);
  };
  const fields = (result: TaskResult<unknown>) => ({ id: result.id, task: result.taskName, queue: result.queueName, attempt: result.attempts });
  const lastError = (result: TaskResult<unknown>) => {
    const error = result.errors[result.errors.length - 1];
    return error ? `${error.className}: ${error.message}` : undefined;
  };
  const off = [
    taskEvents.on("taskStarted", ({ result }) => {
      startedAt.set(result.id, performance.now());
      logger.info("Task started.", fields(result));
    }),
    taskEvents.on("taskFinished", ({ result }) => {
      const duration = elapsed(result);
      if (result.status === "SUCCESSFUL") {
        totals.done++;
        logger.info("Task finished.", { ...fields(result), duration, outcome: result.status });
      } else {
        if (result.status === "FAILED") totals.failed++;
        logger.warn("Task finished.", { ...fields(result), duration, outcome: result.status, error: lastError(result) });
      }
    }),
    taskEvents.on("taskRetried", ({ result }) => {
      totals.failed++;
      logger.warn("Task finished.", {
        ...fields(result),
        duration: elapsed(result),
        outcome: "RETRY",
        runAfter: result.runAfter?.toISOString(),
        error: lastError(result),
      });
    }),
  ];
  return () => {
    for (const unsubscribe of off) unsubscribe();
  };
}
