/**
 * The states a stored task moves through. `READY` → `RUNNING` → `SUCCESSFUL` | `FAILED`,
 * with `RUNNING` → `READY` again for a retry or a rescue, and `CANCELLED` from `READY` or
 * `RUNNING`. The first four carry Django 6.0's names; `CANCELLED` is ours.
 */
export const ResultStatus = {
  READY: "READY",
  RUNNING: "RUNNING",
  SUCCESSFUL: "SUCCESSFUL",
  FAILED: "FAILED",
  CANCELLED: "CANCELLED",
} as const;

/** One of the values of {@link ResultStatus}. */
export type ResultStatus = (typeof ResultStatus)[keyof typeof ResultStatus];

/** Every status, in lifecycle order. */
export const ALL_STATUSES: readonly ResultStatus[] = Object.values(ResultStatus);

/** Statuses after which a task never changes again. */
export const FINISHED_STATUSES: readonly ResultStatus[] = [
  ResultStatus.SUCCESSFUL,
  ResultStatus.FAILED,
  ResultStatus.CANCELLED,
];

/** Whether a task in `status` has finished for good. */
export function isFinishedStatus(status: ResultStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}
