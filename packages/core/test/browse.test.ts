import { afterEach, describe, expect, it } from "vitest";
import { configureTasks, deleteTasks, finishedThroughput, InvalidTaskError, listTasks, resetTasksConfiguration, retryTasks } from "../src/index.js";
import { unreachableBackend } from "./helpers.js";

const ID = "0190f3c2-7b1e-7a00-8c41-5d2b9e6f0a11";

afterEach(() => resetTasksConfiguration());

describe("browse functions reject bad input before storage is reached", () => {
  it.each([
    ["an unknown status", { statuses: ["DONE"] }, /statuses must be statuses among READY/],
    ["an empty status list", { statuses: [] }, /statuses must be a non-empty array/],
    ["a bad queue name", { queues: [""] }, /queue/i],
    ["a limit above the maximum", { limit: 501 }, /limit must be a whole number from 1 to 500/],
    ["a fractional limit", { limit: 2.5 }, /limit must be/],
    ["an unknown order", { order: "started" }, /order must be "enqueued" or "finished"/],
    ["an unknown direction", { direction: "up" }, /direction must be "asc" or "desc"/],
    ["an invalid date", { from: new Date(Number.NaN) }, /from must be a valid Date/],
    ["a non-UUID id", { ids: ["42"] }, /ids must be task ids/],
    ["an object to search for", { argsValue: { a: 1 } }, /argsValue must be a string, a finite number or a boolean/],
    ["a cursor without an id", { after: { id: "x", finishedAt: null } }, /after must be the `next` cursor/],
    ["a finish-order cursor without a time", { order: "finished", after: { id: ID, finishedAt: null } }, /after.finishedAt must be a valid Date/],
  ])("listTasks: %s", async (_label, options, message) => {
    configureTasks({ backends: { default: { backend: unreachableBackend() } } });
    await expect(listTasks(options as never)).rejects.toThrow(InvalidTaskError);
    await expect(listTasks(options as never)).rejects.toThrow(message);
  });

  it("retryTasks and deleteTasks take 1 to 1,000 UUIDs", async () => {
    configureTasks({ backends: { default: { backend: unreachableBackend() } } });
    await expect(retryTasks([])).rejects.toThrow(/ids must be an array of 1 to 1000 task ids/);
    await expect(deleteTasks(["not-an-id"])).rejects.toThrow(/ids must be task ids/);
    await expect(retryTasks(Array.from({ length: 1001 }, () => ID))).rejects.toThrow(/1 to 1000/);
  });

  it("finishedThroughput checks its range and bucket", async () => {
    configureTasks({ backends: { default: { backend: unreachableBackend() } } });
    const since = new Date("2026-01-01T00:00:00Z");
    await expect(finishedThroughput({ since, until: since })).rejects.toThrow(/until must be a time after "since"/);
    await expect(finishedThroughput({ since, until: new Date("2026-01-02T00:00:00Z"), bucketMs: 10 })).rejects.toThrow(/bucketMs must be a whole number of milliseconds ≥ 1000/);
    await expect(finishedThroughput({ since, until: new Date("2026-03-01T00:00:00Z"), bucketMs: 1000 })).rejects.toThrow(/buckets asked; at most 10000/);
  });

  it("a backend without browse support is named with the fix", async () => {
    configureTasks({ backends: { default: { backend: unreachableBackend({ supportsBrowse: false }) } } });
    await expect(listTasks()).rejects.toThrow(/backend "default" \(unreachable\) cannot list, retry or delete stored tasks \(supportsBrowse is false\)/);
  });
});
