/** Which occurrences of a schedule to enqueue now, by its missed-run policy (pure: no I/O). */
import type { Schedule } from "./schedule.js";

/** Most occurrences one call enqueues; a longer backfill continues on the next pass. */
export const MAX_OCCURRENCES_PER_CALL = 500;

/** What one scheduling pass asks the backend to do for one schedule. */
export interface OccurrencePlan {
  /** Occurrences to enqueue, oldest first. */
  readonly at: Date[];
  /** The schedule is settled through this time afterwards (occurrences passed over included). */
  readonly through: Date;
}

/**
 * The plan for a schedule settled through `settledThrough`, at `now`; `null` when no
 * occurrence is due. Occurrences due within the grace period are on time and always enqueued;
 * older ones are missed and follow the policy (see `MissedRunPolicy`). At most
 * {@link MAX_OCCURRENCES_PER_CALL} are enqueued at once; the plan then settles only through the
 * last of them, and the next pass goes on from there.
 */
export function planOccurrences(declared: Schedule, settledThrough: Date, now: Date): OccurrencePlan | null {
  const first = declared.nextAfter(settledThrough);
  if (first === null || first.getTime() > now.getTime()) return null;
  const onTimeFrom = now.getTime() - declared.graceMs;
  const onTime = between(declared, Math.max(settledThrough.getTime(), onTimeFrom - 1), now.getTime());
  let missed: Date[] = [];
  if (declared.missed === "all") {
    const from = Math.max(settledThrough.getTime(), now.getTime() - declared.backfillMs - 1);
    missed = between(declared, from, onTimeFrom - 1);
  } else if (declared.missed === "latest" && onTime.length === 0) {
    const latest = declared.latestAtOrBefore(new Date(onTimeFrom - 1));
    if (latest !== null && latest.getTime() > settledThrough.getTime()) missed = [latest];
  }
  const at = [...missed, ...onTime];
  if (at.length > MAX_OCCURRENCES_PER_CALL) {
    const kept = at.slice(0, MAX_OCCURRENCES_PER_CALL);
    return { at: kept, through: kept[kept.length - 1]! };
  }
  return { at, through: now };
}

/** Occurrences in (`afterMs`, `throughMs`], oldest first, at most one more than the cap. */
function between(declared: Schedule, afterMs: number, throughMs: number): Date[] {
  const found: Date[] = [];
  let next = declared.nextAfter(new Date(afterMs));
  while (next !== null && next.getTime() <= throughMs && found.length <= MAX_OCCURRENCES_PER_CALL) {
    found.push(next);
    next = declared.nextAfter(next);
  }
  return found;
}
