import { getClock, getTelemetry, type ResolvedBackend } from "../config.js";
import { TaskResultDoesNotExistError } from "../errors.js";
import { taskEvents } from "../events.js";
import { TaskResult } from "../result.js";
import { runAttempt } from "./attempt.js";
import { AttemptAbort } from "./attempt-abort.js";
import { attemptEndOf } from "./attempt-end.js";
import { applyAttemptOutcome } from "./outcome.js";

/** Worker id recorded for attempts run inside `enqueue` by an immediate backend. */
export const IMMEDIATE_WORKER_ID = "immediate";

/**
 * Runs a just-enqueued task to the end inside `enqueue` (DEP 0014's immediate backend).
 * Retries run at once, one after another: an immediate backend has no deferred work.
 */
export async function runImmediately(resolved: ResolvedBackend, id: string): Promise<TaskResult> {
  const clock = getClock();
  const { backend, alias } = resolved;
  for (;;) {
    const [claimed] = await backend.claim({
      backend: alias,
      now: clock.now(),
      workerId: IMMEDIATE_WORKER_ID,
      queues: { include: "*", exclude: [] },
      limit: 1,
      leaseMs: resolved.leaseMs,
      ids: [id],
      ignoreRunAfter: true,
    });
    if (!claimed) break;
    taskEvents.emit("taskStarted", { result: new TaskResult(claimed) });
    const run = () => runAttempt(claimed, { resolved, clock, workerId: IMMEDIATE_WORKER_ID, abort: new AttemptAbort() });
    // Each attempt gets its consumer span here too, like a worker's (linked to the enqueue's span).
    const telemetry = getTelemetry();
    const report = await (telemetry ? telemetry.attempt(claimed, IMMEDIATE_WORKER_ID, run, attemptEndOf) : run());
    if (report.kind !== "complete") break;
    const now = clock.now();
    await backend.complete({ backend: alias, now, completions: [report.completion] });
    const after = new TaskResult(applyAttemptOutcome(claimed, report.completion.outcome, now));
    if (report.completion.outcome.status === "READY") {
      taskEvents.emit("taskRetried", { result: after, error: report.error });
      continue;
    }
    break;
  }
  const record = await backend.get({ backend: alias, id });
  if (!record) throw new TaskResultDoesNotExistError(`Task ${id} disappeared from backend "${alias}" while it ran.`);
  const result = new TaskResult(record);
  if (result.isFinished) taskEvents.emit("taskFinished", { result });
  return result;
}
