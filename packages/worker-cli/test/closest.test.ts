import { describe, expect, it } from "vitest";
import { closestMatch } from "../src/config/closest.js";
import { durationText, parseDuration } from "../src/args/durations.js";

describe("closest match", () => {
  it("finds likely typos", () => {
    expect(closestMatch("task", ["backends", "tasks", "logLevel"])).toBe("tasks");
    expect(closestMatch("taks", ["backends", "tasks", "logLevel"])).toBe("tasks");
    expect(closestMatch("backend", ["backends", "tasks", "logLevel"])).toBe("backends");
    expect(closestMatch("loglevel", ["backends", "tasks", "logLevel"])).toBe("logLevel");
    expect(closestMatch("queue", ["backend", "queues", "maxAttempts", "backoff", "leaseMs"])).toBe("queues");
    expect(closestMatch("wroker", ["worker", "prune", "migrate", "status"])).toBe("worker");
  });

  it("suggests nothing for unrelated words", () => {
    expect(closestMatch("database", ["backends", "tasks", "logLevel"])).toBeUndefined();
    expect(closestMatch("x", ["worker", "prune"])).toBeUndefined();
  });
});

describe("duration text", () => {
  it("writes durations parseDuration reads back", () => {
    for (const ms of [0, 1, 1_500, 90_000, 14 * 86_400_000, 36 * 3_600_000 + 5_000]) expect(parseDuration(durationText(ms))).toBe(ms);
    expect(durationText(14 * 86_400_000)).toBe("14d");
    expect(durationText(36 * 3_600_000)).toBe("1d12h");
  });
});
