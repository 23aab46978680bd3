import type { AttemptOutcome } from "../backend.js";
import { copyJson } from "../json.js";
import type { TaskErrorRecord, TaskRecord } from "../records.js";
import { ResultStatus } from "../status.js";

/** The stored form of a thrown value: class name, message and stack. */
export function toErrorRecord(error: unknown): TaskErrorRecord {
  if (error instanceof Error) {
    return { className: error.name || error.constructor.name || "Error", message: error.message, stack: error.stack ?? "" };
  }
  let message: string;
  try {
    message = typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
  } catch {
    message = String(error);
  }
  return { className: typeof error === "object" && error !== null ? "Object" : typeof error, message: `Non-Error thrown: ${message}`, stack: "" };
}

/**
 * The record after `outcome` is written to the RUNNING `record` at `now`. Backends may use
 * this to apply completions; core uses it to report events without reading the row again.
 */
export function applyAttemptOutcome(record: TaskRecord, outcome: AttemptOutcome, now: Date): TaskRecord {
  switch (outcome.status) {
    case "SUCCESSFUL":
      return { ...record, status: ResultStatus.SUCCESSFUL, returnValue: copyJson(outcome.returnValue), finishedAt: now, leaseExpiresAt: null };
    case "FAILED":
      return { ...record, status: ResultStatus.FAILED, errors: [...record.errors, outcome.error], finishedAt: now, leaseExpiresAt: null };
    case "READY":
      return { ...record, status: ResultStatus.READY, errors: [...record.errors, outcome.error], runAfter: outcome.runAfter, leaseExpiresAt: null };
  }
}
