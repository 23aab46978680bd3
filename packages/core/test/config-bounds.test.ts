/**
 * Bounds of the per-alias settings `leaseMs`, `maxArgsBytes` and `enqueueTimeoutMs`: a value
 * outside them is an InvalidConfigurationError naming the setting, the alias, the range and
 * the value, and the configuration in place (with its stored tasks) stays as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureTasks, getBackend, InvalidConfigurationError, resetTasksConfiguration, task, unregisterTasks, type BackendSettings } from "../src/index.js";
import { DEFAULT_ENQUEUE_TIMEOUT_MS, DEFAULT_MAX_ARGS_BYTES, ENQUEUE_TIMEOUT_BOUNDS, LEASE_MS_BOUNDS, MAX_ARGS_BYTES_BOUNDS } from "../src/limits.js";
import { storeBackend, type StoreBackend } from "./store-backend.js";

let backend: StoreBackend;

beforeEach(() => {
  unregisterTasks();
  backend = storeBackend();
  configureTasks({ backends: { default: backend } });
});
afterEach(() => resetTasksConfiguration());

/** Configures an alias "jobs" with `settings`. */
function configureJobs(settings: Partial<Record<keyof BackendSettings, unknown>>): void {
  configureTasks({ backends: { default: backend, jobs: { backend, ...settings } as BackendSettings } });
}

/** Expects `settings` to be refused with `message`, leaving the earlier configuration and its tasks as they were. */
async function expectRefused(settings: Partial<Record<keyof BackendSettings, unknown>>, message: string): Promise<void> {
  const witness = task({ name: `witness.${Math.random()}` }, () => 1);
  await witness.enqueue();
  const before = backend.snapshot();
  expect(() => configureJobs(settings)).toThrow(InvalidConfigurationError);
  expect(() => configureJobs(settings)).toThrow(message);
  expect(() => getBackend("jobs")).toThrow('Unknown task backend alias "jobs"');
  expect(backend.snapshot()).toBe(before);
}

describe("leaseMs", () => {
  const range = "it must be a number of milliseconds from 1,000 to 86,400,000 (1 s to 24 h).";

  it.each([
    [1, "1"],
    [999, "999"],
    [0, "0"],
    [-5_000, "-5,000"],
    [100 * 86_400_000, "8,640,000,000"],
    [1e20, "100000000000000000000"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    ["15000", '"15000"'],
  ])("refuses %s, naming the setting, the alias, the range and the value", async (leaseMs, shown) => {
    await expectRefused({ leaseMs }, `Invalid leaseMs ${shown} for backend alias "jobs": ${range}`);
  });

  it("accepts both ends of the range; the default is 15 s", () => {
    configureJobs({ leaseMs: LEASE_MS_BOUNDS.min });
    expect(getBackend("jobs").leaseMs).toBe(1_000);
    configureJobs({ leaseMs: LEASE_MS_BOUNDS.max });
    expect(getBackend("jobs").leaseMs).toBe(86_400_000);
    configureJobs({});
    expect(getBackend("jobs").leaseMs).toBe(15_000);
  });

  it("keeps every upper bound below what a Node timer can wait (2³¹−1 ms)", () => {
    for (const bounds of [LEASE_MS_BOUNDS, ENQUEUE_TIMEOUT_BOUNDS]) expect(bounds.max).toBeLessThanOrEqual(2 ** 31 - 1);
  });
});

describe("maxArgsBytes", () => {
  const range = "it must be a whole number of bytes from 1,024 to 67,108,864 (1 KiB to 64 MiB).";

  it.each([
    [1_023, "1,023"],
    [67_108_865, "67,108,865"],
    [2_048.5, "2,048.5"],
    [0, "0"],
    ["1mb", '"1mb"'],
    [Number.POSITIVE_INFINITY, "Infinity"],
  ])("refuses %s", async (maxArgsBytes, shown) => {
    await expectRefused({ maxArgsBytes }, `Invalid maxArgsBytes ${shown} for backend alias "jobs": ${range}`);
  });

  it("accepts both ends of the range; the default is 1 MiB", () => {
    configureJobs({ maxArgsBytes: MAX_ARGS_BYTES_BOUNDS.min });
    expect(getBackend("jobs").maxArgsBytes).toBe(1_024);
    configureJobs({ maxArgsBytes: MAX_ARGS_BYTES_BOUNDS.max });
    expect(getBackend("jobs").maxArgsBytes).toBe(67_108_864);
    configureJobs({});
    expect(getBackend("jobs").maxArgsBytes).toBe(DEFAULT_MAX_ARGS_BYTES);
    expect(DEFAULT_MAX_ARGS_BYTES).toBe(1_048_576);
  });
});

describe("enqueueTimeoutMs", () => {
  const range = "it must be a number of milliseconds from 100 to 3,600,000 (100 ms to 1 h).";

  it.each([
    [99, "99"],
    [3_600_001, "3,600,001"],
    [0, "0"],
    [-1, "-1"],
    [Number.NaN, "NaN"],
    [[10_000], "an array"],
  ])("refuses %s", async (enqueueTimeoutMs, shown) => {
    await expectRefused({ enqueueTimeoutMs }, `Invalid enqueueTimeoutMs ${shown} for backend alias "jobs": ${range}`);
  });

  it("accepts both ends of the range; the default is 10 s", () => {
    configureJobs({ enqueueTimeoutMs: ENQUEUE_TIMEOUT_BOUNDS.min });
    expect(getBackend("jobs").enqueueTimeoutMs).toBe(100);
    configureJobs({ enqueueTimeoutMs: ENQUEUE_TIMEOUT_BOUNDS.max });
    expect(getBackend("jobs").enqueueTimeoutMs).toBe(3_600_000);
    configureJobs({});
    expect(getBackend("jobs").enqueueTimeoutMs).toBe(DEFAULT_ENQUEUE_TIMEOUT_MS);
    expect(DEFAULT_ENQUEUE_TIMEOUT_MS).toBe(10_000);
  });
});
