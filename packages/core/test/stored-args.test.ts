/**
 * Rows written by other code: stored arguments that are not a list make the attempt fail for
 * good (FAILED, not retried) with an error saying what was found, instead of being spread into
 * characters ("hello") or failing with a raw TypeError (null, objects). The per-backend raw-row
 * tests live with each backend; this is core's half, the same on every backend.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureTasks, getBackend, InvalidTaskError, resetTasksConfiguration, task, TestClock, unregisterTasks } from "../src/index.js";
import { AttemptAbort } from "../src/execution/attempt-abort.js";
import { runAttempt } from "../src/execution/attempt.js";
import type { TaskRecord } from "../src/records.js";
import { parseArgs } from "../src/task-checks.js";
import { storeBackend } from "./store-backend.js";

const clock = new TestClock(Date.UTC(2030, 0, 1));

beforeEach(() => {
  unregisterTasks();
  configureTasks({ backends: { default: storeBackend() }, clock });
});
afterEach(() => resetTasksConfiguration());

const NOT_A_LIST: [unknown, string][] = [
  ["hello", 'found the string "hello"'],
  [{ to: "ada@example.com" }, 'found an object with keys "to"'],
  [{}, "found an empty object"],
  [null, "found null"],
  [undefined, "found nothing (undefined)"],
  [42, "found the number 42"],
  [true, "found the boolean true"],
];

describe("parseArgs", () => {
  const greet = () => task({ name: "greet", maxAttempts: 3 }, (...args: unknown[]) => args.length);

  it.each(NOT_A_LIST)("refuses stored arguments %j, saying they are not a list and what was found", (stored, found) => {
    const { definition } = greet();
    expect(() => parseArgs(definition, stored)).toThrow(InvalidTaskError);
    expect(() => parseArgs(definition, stored)).toThrow(
      `The stored arguments of task "greet" are not a list: ${found}. Arguments are stored as a JSON array, one entry per parameter; the row was probably written by other code.`,
    );
  });

  it("refuses them before the argsSchema sees them", () => {
    const parse = (value: unknown) => value;
    const { definition } = task({ name: "schema", argsSchema: { parse } }, (n: number) => n);
    expect(() => parseArgs(definition, "hello")).toThrow("are not a list");
  });

  it("passes a list through as a copy", () => {
    const { definition } = greet();
    const stored = ["a", { b: 1 }];
    const parsed = parseArgs(definition, stored);
    expect(parsed).toEqual(stored);
    expect(parsed).not.toBe(stored);
  });
});

describe("a claimed attempt with stored arguments that are not a list", () => {
  it.each(NOT_A_LIST)("fails for good without running the task (%j)", async (stored, found) => {
    let ran = 0;
    task({ name: "greet", maxAttempts: 3 }, () => void ran++);
    const record: TaskRecord = {
      id: "0190a000-0000-7000-8000-000000000001",
      taskName: "greet",
      queueName: "default",
      priority: 0,
      args: stored as never,
      runAfter: null,
      scheduledFor: null,
      traceContext: null,
      maxAttempts: 3,
      identityHash: "hash",
      uniqueKey: null,
      backend: "default",
      status: "RUNNING",
      enqueuedAt: clock.now(),
      startedAt: clock.now(),
      finishedAt: null,
      lastAttemptedAt: clock.now(),
      attempts: 1,
      workerIds: ["w"],
      errors: [],
      returnValue: null,
      leaseExpiresAt: clock.now(),
    };
    const report = await runAttempt(record, { resolved: getBackend(), clock, workerId: "w", abort: new AttemptAbort() });
    expect(ran).toBe(0);
    if (report.kind !== "complete") throw new Error(`expected a completion, got ${report.kind}`);
    // FAILED although attempts remain: retrying cannot fix stored arguments.
    expect(report.completion.outcome.status).toBe("FAILED");
    const error = "error" in report.completion.outcome ? report.completion.outcome.error : null;
    expect(error?.className).toBe("InvalidTaskError");
    expect(error?.message).toContain(`The stored arguments of task "greet" are not a list: ${found}.`);
  });
});
