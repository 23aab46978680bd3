/** pruneTasks() keeps the last 14 days unless told otherwise, like the `prune` command. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PruneParams, TaskBackend } from "../src/backend.js";
import { configureTasks, DEFAULT_PRUNE_KEEP_MS, pruneTasks, resetTasksConfiguration, TestClock } from "../src/index.js";
import { unreachableBackend } from "./helpers.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A backend whose prune records each call (and deletes nothing); every other operation fails. */
function recordingPruneBackend(calls: PruneParams[]): TaskBackend {
  return {
    ...unreachableBackend(),
    prune: async (params) => {
      calls.push(params);
      return 0;
    },
  };
}

let calls: PruneParams[];
const clock = new TestClock(Date.UTC(2030, 5, 15));

beforeEach(() => {
  calls = [];
  configureTasks({ backends: { default: recordingPruneBackend(calls) }, clock });
});
afterEach(() => resetTasksConfiguration());

describe("pruneTasks defaults", () => {
  it("exports the default as 14 days in milliseconds", () => {
    expect(DEFAULT_PRUNE_KEEP_MS).toBe(14 * DAY_MS);
  });

  it("without keepMs, deletes only rows finished more than 14 days ago, FAILED ones included", async () => {
    await expect(pruneTasks()).resolves.toBe(0);
    expect(calls).toHaveLength(1);
    const fourteenDaysAgo = new Date(clock.now().getTime() - 14 * DAY_MS);
    expect(calls[0]?.finishedBefore).toEqual(fourteenDaysAgo);
    expect(calls[0]?.failedBefore).toEqual(fourteenDaysAgo);
  });

  it("keepFailedMs alone still keeps other rows for 14 days", async () => {
    await pruneTasks({ keepFailedMs: 30 * DAY_MS, dryRun: true });
    expect(calls[0]?.finishedBefore).toEqual(new Date(clock.now().getTime() - 14 * DAY_MS));
    expect(calls[0]?.failedBefore).toEqual(new Date(clock.now().getTime() - 30 * DAY_MS));
    expect(calls[0]?.dryRun).toBe(true);
  });

  it("an explicit keepMs wins over the default", async () => {
    await pruneTasks({ keepMs: DAY_MS });
    expect(calls[0]?.finishedBefore).toEqual(new Date(clock.now().getTime() - DAY_MS));
  });
});
