import { describe, expect, it } from "vitest";
import { InvalidConfigurationError } from "../src/errors.js";
import { maintenanceIntervalsFor, MAX_TIMER_MS, resolveWorkerOptions, WORKER_TIME_BOUNDS, type WorkerOptions } from "../src/worker/options.js";

type TimeOption = keyof typeof WORKER_TIME_BOUNDS;

const DAY = 86_400_000;

/** The error `resolveWorkerOptions` throws for `options`. */
function errorFor(options: WorkerOptions): InvalidConfigurationError {
  try {
    resolveWorkerOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigurationError);
    return error as InvalidConfigurationError;
  }
  throw new Error(`Expected ${JSON.stringify(options)} to be refused.`);
}

describe("worker time options", () => {
  it("Node's timers keep at most MAX_TIMER_MS: one more fires at once", async () => {
    const fired = (ms: number) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), ms);
        setTimeout(() => {
          clearTimeout(timer);
          resolve(false);
        }, 50);
      });
    expect(await fired(MAX_TIMER_MS)).toBe(false);
    expect(await fired(MAX_TIMER_MS + 1)).toBe(true); // Node also prints a TimeoutOverflowWarning
  });

  it("every maximum is below the timer limit", () => {
    for (const [name, bounds] of Object.entries(WORKER_TIME_BOUNDS)) {
      expect(bounds.max, name).toBeLessThanOrEqual(MAX_TIMER_MS);
      expect(bounds.max, name).toBeGreaterThan(bounds.min);
    }
  });

  it("documents the chosen ranges", () => {
    expect(WORKER_TIME_BOUNDS.durationMs).toEqual({ min: 0, minExclusive: true, max: 24 * DAY });
    expect(WORKER_TIME_BOUNDS.pollIntervalMs).toEqual({ min: 0, minExclusive: true, max: DAY });
    expect(WORKER_TIME_BOUNDS.shutdownTimeoutMs).toEqual({ min: 0, max: DAY });
    expect(WORKER_TIME_BOUNDS.storageTimeoutMs).toEqual({ min: 100, max: 3_600_000 });
  });

  it.each(Object.keys(WORKER_TIME_BOUNDS) as TimeOption[])("%s: accepts its maximum and its minimum, refuses one past either end", (name) => {
    const bounds: { min: number; max: number; minExclusive?: boolean } = WORKER_TIME_BOUNDS[name];
    expect(() => resolveWorkerOptions({ [name]: bounds.max })).not.toThrow();
    const smallest = bounds.minExclusive ? bounds.min + 0.5 : bounds.min;
    expect(() => resolveWorkerOptions({ [name]: smallest })).not.toThrow();
    const tooLong = errorFor({ [name]: bounds.max + 1 });
    expect(tooLong.message).toContain(`Worker option "${name}"`);
    expect(tooLong.message).toContain(`${bounds.max} (got ${bounds.max + 1})`);
    const tooShort = errorFor({ [name]: bounds.minExclusive ? bounds.min : bounds.min - 1 });
    expect(tooShort.message).toContain(`Worker option "${name}"`);
  });

  it("names the option, the range in words and the value given", () => {
    expect(errorFor({ durationMs: 30 * DAY }).message).toBe(
      'Worker option "durationMs" must be a number of milliseconds above 0 and at most 2073600000 (got 2592000000); 2073600000 ms is 24 days.',
    );
    expect(errorFor({ shutdownTimeoutMs: 30 * DAY }).message).toBe(
      'Worker option "shutdownTimeoutMs" must be a number of milliseconds from 0 to 86400000 (got 2592000000); 86400000 ms is 24 hours.',
    );
    expect(errorFor({ pollIntervalMs: 0 }).message).toBe(
      'Worker option "pollIntervalMs" must be a number of milliseconds above 0 and at most 86400000 (got 0); 86400000 ms is 24 hours.',
    );
    // The wording other packages' tests match on.
    expect(errorFor({ storageTimeoutMs: 50 }).message).toMatch(/Worker option "storageTimeoutMs" must be a number of milliseconds from 100 to 3600000 \(got 50\)/);
  });

  it("refuses values that are not finite numbers", () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, -1, "1000"]) {
      for (const name of ["durationMs", "pollIntervalMs", "shutdownTimeoutMs", "heartbeatIntervalMs", "rescueIntervalMs"] as const) {
        expect(() => resolveWorkerOptions({ [name]: value } as unknown as WorkerOptions), `${name}: ${String(value)}`).toThrow(InvalidConfigurationError);
      }
    }
  });

  it("keeps the defaults and a shutdown timeout of 0", () => {
    const resolved = resolveWorkerOptions({ shutdownTimeoutMs: 0 });
    expect(resolved.shutdownTimeoutMs).toBe(0);
    expect(resolved.pollIntervalMs).toBe(1_000);
    expect(resolved.durationMs).toBeNull();
    expect(resolved.storageTimeoutMs).toBeNull();
    expect(resolveWorkerOptions({}).shutdownTimeoutMs).toBe(30_000);
  });
});

describe("heartbeat and rescue intervals", () => {
  it("default to lease / 3 and take the given values", () => {
    expect(maintenanceIntervalsFor(resolveWorkerOptions({}), 9_000)).toEqual({ heartbeatIntervalMs: 3_000, rescueIntervalMs: 3_000 });
    expect(maintenanceIntervalsFor(resolveWorkerOptions({ heartbeatIntervalMs: 500, rescueIntervalMs: 20_000 }), 9_000)).toEqual({
      heartbeatIntervalMs: 500,
      rescueIntervalMs: 20_000,
    });
  });

  it("refuse a heartbeat interval of a lease or more, naming both", () => {
    expect(() => maintenanceIntervalsFor(resolveWorkerOptions({ heartbeatIntervalMs: 9_000 }), 9_000)).toThrow(
      /"heartbeatIntervalMs" \(9000 ms\) must be shorter than the backend's lease \(9000 ms\)/,
    );
  });
});
