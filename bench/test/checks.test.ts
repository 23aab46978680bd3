import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../src/args.js";
import { percentile, ResultTable } from "../src/results.js";
import { checkExactlyOnce, nextPollMs } from "../src/scenarios/run-workers.js";
import { markdownTable } from "../src/table.js";

const report = (seen: number[]) => ({ seen, latencies: [], rss: 0 });

describe("checkExactlyOnce", () => {
  const done = { succeeded: 3, failed: 0, pending: 0 };

  it("accepts every task run once, across processes", () => {
    expect(checkExactlyOnce([report([1, 3]), report([2])], 3, done, true)).toBeUndefined();
  });

  it("reports a task run twice, even by two processes", () => {
    expect(checkExactlyOnce([report([1, 2]), report([2, 3])], 3, done, true)).toBe("1 tasks ran more than once");
  });

  it("reports a task that never ran when the run was to finish everything", () => {
    expect(checkExactlyOnce([report([1, 2])], 3, { succeeded: 2, failed: 0, pending: 1 }, true)).toBe("1 tasks never ran");
  });

  it("accepts a partial run that was capped", () => {
    expect(checkExactlyOnce([report([1])], 3, { succeeded: 1, failed: 0, pending: 2 }, false)).toBeUndefined();
  });

  it("reports rows the database marks finished that no worker ran", () => {
    expect(checkExactlyOnce([report([1])], 3, { succeeded: 2, failed: 0, pending: 1 }, false)).toBe(
      "the database shows 2 finished but only 1 ran",
    );
  });

  it("reports rows missing from the database and failed tasks", () => {
    expect(checkExactlyOnce([report([1, 2, 3])], 3, { succeeded: 2, failed: 0, pending: 0 }, true)).toBe("the database holds 2 of 3 tasks");
    expect(checkExactlyOnce([report([1, 2, 3])], 3, { succeeded: 2, failed: 1, pending: 0 }, true)).toBe("1 tasks FAILED in the database");
  });

  it("reports task numbers outside the run", () => {
    expect(checkExactlyOnce([report([1, 2, 3, 7])], 3, done, true)).toBe("1 tasks with unknown numbers ran");
  });
});

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("parseBenchArgs", () => {
  it("defaults to every scenario and library", () => {
    const args = parseBenchArgs([]);
    expect(args.only).toContain("drain");
    expect(args.libs).toEqual(["ours", "graphile", "pgboss"]);
  });

  it("keeps the given scenarios and libraries in run order", () => {
    const args = parseBenchArgs(["--only", "latency,drain", "--libs", "pgboss,ours"]);
    expect(args.only).toEqual(["drain", "latency"]);
    expect(args.libs).toEqual(["ours", "pgboss"]);
  });

  it("rejects an unknown scenario with a sentence naming it", () => {
    expect(() => parseBenchArgs(["--only", "drian"])).toThrow(/Unknown --only value "drian"/);
  });
});

describe("markdownTable", () => {
  it("shows FAILED runs and how many times better ours is", () => {
    const table = new ResultTable();
    table.add("drain", "tasks/s", "higher", "ours", { value: 2000 });
    table.add("drain", "tasks/s", "higher", "graphile", { value: 1000 });
    table.add("drain", "tasks/s", "higher", "pgboss", { value: null, failed: "3 tasks ran more than once" });
    table.add("latency p50", "ms", "lower", "ours", { value: 10 });
    table.add("latency p50", "ms", "lower", "graphile", { value: 5 });
    const text = markdownTable(table, ["ours", "graphile", "pgboss"]);
    expect(text).toContain("| drain | tasks/s (higher is better) | 2,000 | 1,000 | **FAILED** (3 tasks ran more than once) | 2.00× | – |");
    expect(text).toContain("| latency p50 | ms (lower is better) | 10.0 | 5.00 | – | 0.50× | – |");
    expect(table.anyFailed).toBe(true);
  });
});

describe("nextPollMs", () => {
  it("polls rarely while the end is far and often near it, within 10–200 ms", () => {
    expect(nextPollMs(0, 0, 50_000)).toBe(200);
    // 10,000 done in 1 s: 4 s to go, so the 200 ms ceiling.
    expect(nextPollMs(1_000, 10_000, 50_000)).toBe(200);
    // 40,000 done in 1 s: 250 ms to go, so a quarter of that.
    expect(nextPollMs(1_000, 40_000, 50_000)).toBe(63);
    // 49,990 done in 1 s: nearly there, so the 10 ms floor.
    expect(nextPollMs(1_000, 49_990, 50_000)).toBe(10);
  });
});
