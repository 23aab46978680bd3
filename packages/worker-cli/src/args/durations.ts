import { UsageError } from "../run/exit-codes.js";
import { inRange, rangeText, type TimeRange } from "./bounds.js";

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const SEGMENT = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/**
 * Parses a duration such as `90m`, `12h`, `7d`, `30s`, `1w` or a sum like `1d12h` into
 * milliseconds. Every part needs a unit: a bare number is refused, because `--keep 7` could
 * mean seconds or days and guessing wrong deletes data. Returns `null` when `text` is not a
 * duration.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  SEGMENT.lastIndex = 0;
  let total = 0;
  let position = 0;
  for (;;) {
    const match = SEGMENT.exec(trimmed);
    if (!match) break;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    position = SEGMENT.lastIndex;
  }
  if (position !== trimmed.length || !Number.isFinite(total)) return null;
  return total;
}

/**
 * Parses a time in seconds for a worker flag: a plain number of seconds (`0.5`, `30`) or a
 * duration with units (`500ms`, `5m`). Returns `null` when `text` is neither.
 */
export function parseSeconds(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1_000;
  return parseDuration(trimmed);
}

/**
 * `parseDuration` for a flag: throws a {@link UsageError} naming the flag, its allowed range
 * and the value given unless `text` is a duration inside `range`.
 */
export function durationFlag(flag: string, text: string, range: TimeRange): number {
  const ms = parseDuration(text);
  if (ms === null) {
    throw new UsageError(
      `Invalid value "${text}" for --${flag}: give a duration with a unit, such as 30s, 90m, 12h, 7d or 1w (parts may be combined, e.g. 1d12h), ${rangeText(range)}.`,
    );
  }
  if (!inRange(ms, range)) throw new UsageError(`Invalid value "${text}" for --${flag}: give a duration ${rangeText(range)}${gotText(text, ms)}.`);
  return ms;
}

/**
 * `parseSeconds` for a flag: throws a {@link UsageError} naming the flag, its allowed range
 * and the value given unless `text` is a number of seconds (or a duration) inside `range`.
 */
export function secondsFlag(flag: string, text: string, range: TimeRange): number {
  const ms = parseSeconds(text);
  if (ms === null || !inRange(ms, range)) {
    throw new UsageError(
      `Invalid value "${text}" for --${flag}: give a time ${rangeText(range, "0")}, as a number of seconds (such as 0.5 or 30) or a duration with a unit (such as 500ms, 5m or 12h)${ms === null ? "" : gotText(text, ms)}.`,
    );
  }
  return ms;
}

/** ` (got 30d)` when `text` reads as something else than its duration, such as `2592000` seconds. */
function gotText(text: string, ms: number): string {
  const normalized = durationText(ms);
  return normalized === text.trim() || ms > Number.MAX_SAFE_INTEGER ? "" : ` (got ${normalized})`;
}

/** Formats milliseconds compactly for messages: `1.2s`, `350ms`, `2m05s`. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}

const TEXT_UNITS: ReadonlyArray<readonly [string, number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

/** Writes milliseconds as a duration {@link parseDuration} reads back: `14d`, `1d12h`, `90s`, `0s`. */
export function durationText(ms: number): string {
  let rest = Math.round(ms);
  const parts: string[] = [];
  for (const [unit, size] of TEXT_UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.length === 0 ? "0s" : parts.join("");
}
