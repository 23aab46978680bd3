import { describe, expect, it } from "vitest";
import { parseWorkerArgs } from "../src/args/worker-args.js";
import { parsePruneArgs } from "../src/args/prune-args.js";
import { UsageError } from "../src/run/exit-codes.js";

describe("worker flags", () => {
  it("applies defaults", () => {
    const args = parseWorkerArgs([]);
    expect(args.queues).toEqual(["default"]);
    expect(args.excludeQueues).toEqual([]);
    expect(args.startupDelay).toBe(true);
    expect(args.schedules).toBe(true);
    expect(args.logFormat).toBe("pretty");
    expect(args.concurrency).toBeUndefined();
  });

  it("reads every flag", () => {
    const args = parseWorkerArgs([
      "--queue", "*", "--exclude-queue", "slow,bulk", "--concurrency", "4", "--interval", "0.5", "--batch", "--max-tasks", "9",
      "--duration", "2m", "--worker-id", "w-1", "--backend", "other", "--no-startup-delay", "--no-schedules", "--shutdown-timeout", "0",
      "--log-level", "debug", "--log-format", "json", "--log-file", "/tmp/x.log", "--config", "./c.ts",
    ]);
    expect(args).toMatchObject({
      queues: "*", excludeQueues: ["slow", "bulk"], concurrency: 4, pollIntervalMs: 500, batch: true, maxTasks: 9, durationMs: 120_000,
      workerId: "w-1", backend: "other", startupDelay: false, schedules: false, shutdownTimeoutMs: 0, logLevel: "debug", logFormat: "json",
      logFile: "/tmp/x.log", config: "./c.ts",
    });
  });

  it("merges repeated and comma-separated --queue values", () => {
    expect(parseWorkerArgs(["--queue", "a,b", "--queue", "c,a"]).queues).toEqual(["a", "b", "c"]);
  });

  it("throws a UsageError naming the flag", () => {
    expect(() => parseWorkerArgs(["--concurrency", "0"])).toThrow(UsageError);
    expect(() => parseWorkerArgs(["--concurrency", "0"])).toThrow(/--concurrency/);
  });
});

describe("prune flags", () => {
  it("defaults to 14 days for both thresholds and every queue", () => {
    const args = parsePruneArgs([]);
    expect(args.keepMs).toBe(14 * 86_400_000);
    expect(args.keepFailedMs).toBe(args.keepMs);
    expect(args.queues).toBeUndefined();
    expect(args.dryRun).toBe(false);
    expect(args.batchSize).toBe(1_000);
  });

  it("lets --keep-failed follow --keep unless given", () => {
    expect(parsePruneArgs(["--keep", "2h"]).keepFailedMs).toBe(7_200_000);
    expect(parsePruneArgs(["--keep", "2h", "--keep-failed", "30d"]).keepFailedMs).toBe(30 * 86_400_000);
  });
});
