/**
 * The allowed range of every time a CLI flag takes, in milliseconds (the config's times, such as
 * `leaseMs`, are checked by core's `configureTasks`).
 *
 * Node's timers cannot wait longer than 2^31 − 1 ms (about 24.8 days: a longer `setTimeout`
 * fires after 1 ms), and core's `Worker` refuses options past its own bounds
 * (`WORKER_TIME_BOUNDS` next to `MAX_TIMER_MS` in core's worker options, the one place that
 * knows the timer limit). The worker flags below have exactly those ranges (test/bounds.test.ts
 * checks them against a real `Worker`), so a bad value is refused as a usage error naming
 * the flag, before any connection.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A year of 365.25 days. */
const YEAR = 365.25 * DAY;

/** The range of one time value: from 0 (excluded when `aboveZero`) to `max`, with `max` as users write it. */
export interface TimeRange {
  readonly max: number;
  readonly aboveZero: boolean;
  /** `max` as the flag or key accepts it, plus words when they help: `24d`, `36525d (100 years)`. */
  readonly maxText: string;
}

/** `--interval`: the idle wait between polls (core's `pollIntervalMs`). */
export const INTERVAL_RANGE: TimeRange = { max: DAY, aboveZero: true, maxText: "24h" };
/** `--duration`: how long a worker claims (core's `durationMs`); much longer would overflow Node's timers. */
export const DURATION_RANGE: TimeRange = { max: 24 * DAY, aboveZero: true, maxText: "24d" };
/** `--shutdown-timeout`: the wait for running tasks after the first signal (core's `shutdownTimeoutMs`). */
export const SHUTDOWN_TIMEOUT_RANGE: TimeRange = { max: DAY, aboveZero: false, maxText: "24h" };
/** `--startup-timeout`: how long a starting worker retries a database that is not reachable yet. */
export const STARTUP_TIMEOUT_RANGE: TimeRange = { max: HOUR, aboveZero: false, maxText: "1h" };
/**
 * `prune --keep` and `--keep-failed`: at most 100 years, so the cutoff (now minus the
 * duration) stays a date every database stores (about 2,000 years made Postgres fail).
 */
export const KEEP_RANGE: TimeRange = { max: 100 * YEAR, aboveZero: false, maxText: "36525d (100 years)" };
/** Whether `ms` is inside `range`. */
export function inRange(ms: number, range: TimeRange): boolean {
  return Number.isFinite(ms) && ms <= range.max && (range.aboveZero ? ms > 0 : ms >= 0);
}

/** `above 0 and at most 24d`, `from 0s to 24h`: a range in words, in the units of its flag (`zero` is how 0 reads there). */
export function rangeText(range: TimeRange, zero = "0s"): string {
  return range.aboveZero ? `above 0 and at most ${range.maxText}` : `from ${zero} to ${range.maxText}`;
}
