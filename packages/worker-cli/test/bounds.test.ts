import { memoryBackend } from "@tasks/backend-memory";
import { closeTasks, configureTasks, InvalidConfigurationError, Worker, type WorkerOptions } from "@tasks/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DURATION_RANGE, INTERVAL_RANGE, SHUTDOWN_TIMEOUT_RANGE, type TimeRange } from "../src/args/bounds.js";

/** Each worker flag's range and the core `Worker` option it becomes. */
const FLAGS: ReadonlyArray<readonly [string, TimeRange, keyof WorkerOptions]> = [
  ["--interval", INTERVAL_RANGE, "pollIntervalMs"],
  ["--duration", DURATION_RANGE, "durationMs"],
  ["--shutdown-timeout", SHUTDOWN_TIMEOUT_RANGE, "shutdownTimeoutMs"],
];

describe("the worker flags' ranges are core's Worker bounds", () => {
  beforeAll(() => {
    configureTasks({ backends: { default: memoryBackend() } });
  });
  afterAll(async () => {
    await closeTasks();
  });

  it.each(FLAGS)("%s: the Worker takes its maximum and refuses one millisecond more", (_flag, range, option) => {
    expect(() => new Worker({ [option]: range.max })).not.toThrow();
    expect(() => new Worker({ [option]: range.max + 1 })).toThrow(InvalidConfigurationError);
    expect(() => new Worker({ [option]: range.aboveZero ? 0 : -1 })).toThrow(InvalidConfigurationError);
  });
});
