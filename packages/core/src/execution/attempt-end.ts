/** How an attempt ended, in the words a trace uses (see `AttemptEnd` in telemetry.ts). */
import { TaskCancelledError, TaskTimeoutError, WorkerShutdownError } from "../errors.js";
import type { AttemptEnd } from "../telemetry.js";
import type { AttemptReport } from "./attempt.js";

/** The end of an attempt from its report: success, failure, retry, cancel, timeout, lost lease or shutdown. */
export function attemptEndOf(report: AttemptReport): AttemptEnd {
  if (report.kind === "committed") return report.applied ? { kind: "success" } : { kind: "lost_lease" };
  if (report.kind === "abandoned") {
    if (report.reason instanceof TaskCancelledError) return { kind: "cancel" };
    return { kind: report.reason instanceof WorkerShutdownError ? "shutdown" : "lost_lease", error: report.reason };
  }
  const { outcome } = report.completion;
  if (outcome.status === "SUCCESSFUL") return { kind: "success" };
  const error = report.error ?? outcome.error;
  if (report.error instanceof TaskTimeoutError) return { kind: "timeout", error };
  if (report.error instanceof WorkerShutdownError) return { kind: "shutdown", error };
  return { kind: outcome.status === "READY" ? "retry" : "failure", error };
}
