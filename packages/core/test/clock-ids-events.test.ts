import { describe, expect, it, vi } from "vitest";
import { TestClock } from "../src/clock.js";
import { newTaskId } from "../src/ids.js";
import { taskEvents } from "../src/events.js";
import { configureTasks, resetTasksConfiguration } from "../src/config.js";
import { TaskResult } from "../src/result.js";
import { defaultBackoff } from "../src/backoff.js";
import { unreachableBackend } from "./helpers.js";
import { ResultStatus } from "../src/status.js";
import type { TaskRecord } from "../src/records.js";

describe("TestClock", () => {
  it("wakes sleepers in time order only when advanced", async () => {
    const clock = new TestClock(0);
    const woke: number[] = [];
    void clock.sleep(200).then(() => woke.push(clock.now().getTime()));
    void clock.sleep(100).then(() => woke.push(clock.now().getTime()));
    await clock.advance(50);
    expect(woke).toEqual([]);
    await clock.advance(200);
    expect(woke).toEqual([100, 200]);
    expect(clock.now().getTime()).toBe(250);
  });

  it("an aborted sleep resolves early", async () => {
    const clock = new TestClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    controller.abort();
    await sleeping;
    expect(clock.sleepers).toBe(0);
  });
});

describe("task ids", () => {
  it("are UUIDv7 and strictly increasing within a millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => newTaskId(1_700_000_000_000));
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("default backoff", () => {
  it("is attempts⁴ + 5 seconds", () => {
    expect([1, 2, 3].map((n) => defaultBackoff(n, null))).toEqual([6_000, 21_000, 86_000]);
  });
});

describe("events", () => {
  it("a throwing listener is logged and does not stop the others", () => {
    const errors: string[] = [];
    configureTasks({
      backends: { default: unreachableBackend() },
      logger: { debug() {}, info() {}, warn() {}, error: (message) => errors.push(message) },
    });
    const seen = vi.fn();
    const offBad = taskEvents.on("taskEnqueued", () => {
      throw new Error("listener bug");
    });
    const offGood = taskEvents.on("taskEnqueued", seen);
    const record = { id: "x", status: ResultStatus.READY } as unknown as TaskRecord;
    expect(() => taskEvents.emit("taskEnqueued", { result: new TaskResult(record) })).not.toThrow();
    expect(seen).toHaveBeenCalledTimes(1);
    expect(errors[0]).toContain('A "taskEnqueued" listener threw');
    offBad();
    offGood();
    resetTasksConfiguration();
  });
});
