import { describe, expect, it } from "vitest";
import { DURATION_RANGE, INTERVAL_RANGE, KEEP_RANGE, SHUTDOWN_TIMEOUT_RANGE, STARTUP_TIMEOUT_RANGE } from "../src/args/bounds.js";
import { durationFlag, parseDuration, parseSeconds, secondsFlag } from "../src/args/durations.js";
import { UsageError } from "../src/run/exit-codes.js";

const DAY = 86_400_000;

describe("durations", () => {
  it("parses units and sums of parts", () => {
    expect(parseDuration("90m")).toBe(90 * 60_000);
    expect(parseDuration("12h")).toBe(12 * 3_600_000);
    expect(parseDuration("7d")).toBe(7 * 86_400_000);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("1w")).toBe(7 * 86_400_000);
    expect(parseDuration("1d12h")).toBe(36 * 3_600_000);
    expect(parseDuration("0s")).toBe(0);
  });

  it("refuses bare numbers, negative values, unknown units and junk", () => {
    for (const text of ["7", "", " ", "-1d", "1y", "d", "7 d", "1d-2h", "1.d"]) expect(parseDuration(text), text).toBeNull();
  });

  it("reads worker times as seconds unless a unit is given", () => {
    expect(parseSeconds("0.1")).toBe(100);
    expect(parseSeconds("30")).toBe(30_000);
    expect(parseSeconds("5m")).toBe(300_000);
    expect(parseSeconds("soon")).toBeNull();
  });
});

describe("duration flags with a range", () => {
  const usage = (parse: () => unknown): string => {
    try {
      parse();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error("Expected a UsageError.");
  };

  it("accepts each worker flag's maximum and refuses anything longer, naming the flag, the range and the value", () => {
    expect(secondsFlag("duration", "24d", DURATION_RANGE)).toBe(24 * DAY);
    expect(secondsFlag("interval", "24h", INTERVAL_RANGE)).toBe(DAY);
    expect(secondsFlag("shutdown-timeout", "86400", SHUTDOWN_TIMEOUT_RANGE)).toBe(DAY);
    expect(secondsFlag("shutdown-timeout", "0", SHUTDOWN_TIMEOUT_RANGE)).toBe(0);
    expect(secondsFlag("startup-timeout", "1h", STARTUP_TIMEOUT_RANGE)).toBe(3_600_000);
    expect(usage(() => secondsFlag("duration", "30d", DURATION_RANGE))).toBe(
      'Invalid value "30d" for --duration: give a time above 0 and at most 24d, as a number of seconds (such as 0.5 or 30) or a duration with a unit (such as 500ms, 5m or 12h).',
    );
    expect(usage(() => secondsFlag("duration", "2592000", DURATION_RANGE))).toContain("at most 24d, as a number of seconds");
    expect(usage(() => secondsFlag("duration", "2592000", DURATION_RANGE))).toMatch(/\(got 30d\)\.$/);
    expect(usage(() => secondsFlag("interval", "24h1ms", INTERVAL_RANGE))).toContain('Invalid value "24h1ms" for --interval: give a time above 0 and at most 24h');
    expect(usage(() => secondsFlag("interval", "0", INTERVAL_RANGE))).toContain("above 0");
    expect(usage(() => secondsFlag("shutdown-timeout", "30d", SHUTDOWN_TIMEOUT_RANGE))).toContain('for --shutdown-timeout: give a time from 0 to 24h');
    expect(usage(() => secondsFlag("startup-timeout", "soon", STARTUP_TIMEOUT_RANGE))).toContain('Invalid value "soon" for --startup-timeout: give a time from 0 to 1h');
  });

  it("bounds --keep at 100 years, so the cutoff stays a date databases store", () => {
    expect(durationFlag("keep", "36525d", KEEP_RANGE)).toBe(36_525 * DAY);
    expect(durationFlag("keep", "0s", KEEP_RANGE)).toBe(0);
    expect(usage(() => durationFlag("keep", "36526d", KEEP_RANGE))).toBe('Invalid value "36526d" for --keep: give a duration from 0s to 36525d (100 years).');
    expect(usage(() => durationFlag("keep-failed", "104400w", KEEP_RANGE))).toBe(
      'Invalid value "104400w" for --keep-failed: give a duration from 0s to 36525d (100 years) (got 730800d).',
    );
    expect(usage(() => durationFlag("keep", "7", KEEP_RANGE))).toContain("give a duration with a unit");
    // A value too large for a number is not a duration at all.
    expect(usage(() => durationFlag("keep", `${"9".repeat(400)}d`, KEEP_RANGE))).toContain("give a duration with a unit");
  });

  it("no range reaches Node's timer limit (2^31 - 1 ms), except --keep, which is never a timer", () => {
    for (const range of [INTERVAL_RANGE, DURATION_RANGE, SHUTDOWN_TIMEOUT_RANGE, STARTUP_TIMEOUT_RANGE]) {
      expect(range.max).toBeLessThan(2 ** 31 - 1);
      expect(parseSeconds(range.maxText)).toBe(range.max);
    }
    expect(parseDuration(KEEP_RANGE.maxText.split(" ")[0] as string)).toBe(KEEP_RANGE.max);
  });
});
