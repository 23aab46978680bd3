/**
 * The documented limits on what enqueue accepts and on the backend settings that bound it.
 * Every backend stores the same things, so these are checked once, in core, before anything
 * reaches storage: the same input gets the same error on memory, SQLite and Postgres.
 */
import { InvalidConfigurationError } from "./errors.js";

/**
 * How deep arrays and objects may nest inside one task argument (or a return value): an
 * argument `{ a: [1] }` is 2 levels deep. Deeper values are refused with an error naming the
 * path, before they can overflow the stack of the code that serializes, hashes or stores
 * them. 100 levels is far beyond hand-written data, and below the limits of common JSON
 * readers (serde_json stops at 128).
 */
export const MAX_JSON_DEPTH = 100;

/** Default `maxArgsBytes`: 1 MiB of UTF-8 JSON for the arguments of one task. */
export const DEFAULT_MAX_ARGS_BYTES = 1_048_576;

/**
 * Allowed values of the backend setting `maxArgsBytes`: 1 KiB to 64 MiB. Large data belongs in
 * a file or a table, with its id as the argument; every worker that claims a task holds its
 * arguments in memory.
 */
export const MAX_ARGS_BYTES_BOUNDS = { min: 1_024, max: 67_108_864, text: "1 KiB to 64 MiB" } as const;

/**
 * Allowed values of the backend setting `leaseMs`: 1 s to 24 h. Below a second, a lease
 * expires between two heartbeats of a busy worker and tasks run again while still running;
 * above 24 h a lost worker's tasks wait a day to be rescued (and Node timers overflow past
 * 2³¹−1 ms, about 24.8 days).
 */
export const LEASE_MS_BOUNDS = { min: 1_000, max: 86_400_000, text: "1 s to 24 h" } as const;

/** Default `enqueueTimeoutMs`: how long one enqueue may wait for its backend. */
export const DEFAULT_ENQUEUE_TIMEOUT_MS = 10_000;

/** Allowed values of the backend setting `enqueueTimeoutMs`: 100 ms to 1 hour (as a worker's `storageTimeoutMs`). */
export const ENQUEUE_TIMEOUT_BOUNDS = { min: 100, max: 3_600_000, text: "100 ms to 1 h" } as const;

/** Earliest `runAfter` accepted: 1970-01-01T00:00:00.000Z (the Unix epoch), in epoch milliseconds. */
export const MIN_RUN_AFTER_MS = 0;

/**
 * Latest `runAfter` accepted: 9999-12-31T23:59:59.999Z, in epoch milliseconds. Later dates
 * are valid in JavaScript (up to year 275760) but not in a four-digit ISO year, which is how
 * they reach Postgres.
 */
export const MAX_RUN_AFTER_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A `{ min, max }` range of a numeric setting, with the range in words for messages. */
export interface SettingBounds {
  readonly min: number;
  readonly max: number;
  /** The range in everyday units ("1 s to 24 h"). */
  readonly text: string;
}

/**
 * Throws {@link InvalidConfigurationError} unless `value` is a finite number within `bounds`
 * (a whole number for `"bytes"`), naming the setting, where it was set, the range and the value.
 */
export function validateSettingRange(
  value: unknown,
  setting: string,
  where: string,
  bounds: SettingBounds,
  unit: "ms" | "bytes",
): asserts value is number {
  const integer = unit === "bytes";
  const ok = typeof value === "number" && Number.isFinite(value) && (!integer || Number.isInteger(value)) && value >= bounds.min && value <= bounds.max;
  if (ok) return;
  const kind = integer ? "a whole number of bytes" : "a number of milliseconds";
  throw new InvalidConfigurationError(
    `Invalid ${setting} ${formatValue(value)} for ${where}: it must be ${kind} from ${formatNumber(bounds.min)} to ${formatNumber(bounds.max)} (${bounds.text}).`,
  );
}

/** A number with thousands separators (`1,048,576`), as limits are written in messages. */
export function formatNumber(value: number): string {
  return value.toLocaleString("en-US");
}

function formatValue(value: unknown): string {
  if (typeof value === "number") return Number.isFinite(value) && Math.abs(value) < 1e15 ? formatNumber(value) : String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
