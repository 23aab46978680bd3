/**
 * Task names, queue names, unique keys and backend aliases are stored with every task: each
 * is a non-empty string of at most 255 characters without NUL characters or lone surrogates,
 * checked where it is defined (task(), using(), configureTasks()) and again at enqueue.
 * Anything else (quotes, `;`, any Unicode) is stored unchanged.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureTasks, InvalidConfigurationError, InvalidTaskError, resetTasksConfiguration, task, unregisterTasks } from "../src/index.js";
import { MAX_NAME_LENGTH } from "../src/validation.js";
import { storeBackend, type StoreBackend } from "./store-backend.js";

let backend: StoreBackend;
let before: string;

beforeEach(async () => {
  unregisterTasks();
  backend = storeBackend();
  configureTasks({ backends: { default: { backend, queues: [] } } });
  await task({ name: "witness" }, (n: number) => n).enqueueMany([[1], [2]]);
  before = backend.snapshot();
});
afterEach(() => resetTasksConfiguration());

/** Expects `attempt` to throw `ErrorType` with `message`, with no enqueue reaching storage. */
function expectRefused(attempt: () => unknown, message: string | RegExp, ErrorType: new (...args: never[]) => Error = InvalidTaskError): void {
  const calls = backend.enqueueCalls;
  expect(attempt).toThrow(ErrorType);
  expect(attempt).toThrow(message);
  expect(backend.enqueueCalls).toBe(calls);
  expect(backend.snapshot()).toBe(before);
}

const ODD_NAMES = [
  `it's "quoted"`,
  "a; DROP TABLE tasks_results; --",
  "émoji 🚀 名前 ẞ",
  "back\\slash `tick` $1 %s",
  "tab\tand\nnewline",
  "n".repeat(MAX_NAME_LENGTH),
];

describe("task names", () => {
  it.each([
    ["bad\u0000name", 'Task name "bad\\u0000name" contains a NUL character (\\u0000) at index 3. Postgres cannot store it'],
    ["lone \ud800", 'Task name "lone \\ud800" contains a lone UTF-16 surrogate (\\ud800) at index 5, which is not valid Unicode'],
    ["\udc00", "contains a lone UTF-16 surrogate (\\udc00) at index 0"],
  ])("refuses %j at definition, saying what to do", (name, message) => {
    expectRefused(() => task({ name }, () => 1), message);
    expectRefused(() => task({ name }, () => 1), /use a name without it\.$/);
  });

  it("refuses a 10,000-character name with the limit, showing only its start", () => {
    const name = "x".repeat(10_000);
    expectRefused(() => task({ name }, () => 1), `Task name "${"x".repeat(60)}…" is 10,000 characters long; the limit is 255. Use a shorter name: it is stored with every task.`);
    expectRefused(() => task({ name: "x".repeat(MAX_NAME_LENGTH + 1) }, () => 1), "is 256 characters long; the limit is 255.");
  });

  it.each(ODD_NAMES)("stores the odd but valid name %j unchanged", async (name) => {
    const t = task({ name }, (n: number) => n);
    const result = await t.enqueue(1);
    expect(result.taskName).toBe(name);
    expect(backend.rows.get(result.id)?.taskName).toBe(name);
    expect((await t.getResult(result.id)).taskName).toBe(name);
  });
});

describe("queue names", () => {
  it("refuses NUL and lone surrogates at definition and in using()", () => {
    expectRefused(() => task({ name: "q1", queueName: "mail\u0000" }, () => 1), 'Invalid queue name "mail\\u0000" for task "q1" (definition): it contains a NUL character (\\u0000) at index 4.');
    const t = task({ name: "q2" }, () => 1);
    expectRefused(() => t.using({ queueName: "\ud83d" }), 'Invalid queue name "\\ud83d" for task "q2" (using()): it contains a lone UTF-16 surrogate (\\ud83d) at index 0');
    expectRefused(() => t.using({ queueName: "q".repeat(10_000) }), 'for task "q2" (using()): it is 10,000 characters long; the limit is 255.');
  });

  it("refuses them in a backend's queues setting", () => {
    expectRefused(
      () => configureTasks({ backends: { default: { backend, queues: ["ok", "bad\u0000"] } } }),
      'Invalid queue name "bad\\u0000" for backend alias "default": it contains a NUL character',
      InvalidConfigurationError,
    );
  });

  it.each(ODD_NAMES)("stores the odd but valid queue name %j unchanged", async (queueName) => {
    const t = task({ name: "odd.queue" }, (n: number) => n);
    const result = await t.using({ queueName }).enqueue(1);
    expect(result.queueName).toBe(queueName);
    expect(backend.rows.get(result.id)?.queueName).toBe(queueName);
  });
});

describe("unique keys and backend aliases", () => {
  it("refuses unique keys with NUL, lone surrogates or more than 255 characters", () => {
    const t = task({ name: "keyed" }, () => 1);
    expectRefused(() => t.using({ unique: { key: "k\u0000" } }), 'Invalid unique key "k\\u0000" for task "keyed" (using()): it contains a NUL character');
    expectRefused(() => t.using({ unique: { key: "\udbff" } }), "it contains a lone UTF-16 surrogate (\\udbff)");
    expectRefused(() => t.using({ unique: { key: "k".repeat(256) } }), "it is 256 characters long; the limit is 255. Use a shorter key");
    expectRefused(() => t.using({ unique: { key: "" } }), 'use true, false or { key: "a non-empty string" }');
  });

  it("stores an odd unique key and finds the task by it", async () => {
    const t = task({ name: "keyed" }, (n: number) => n);
    const key = `'; DELETE FROM tasks_results; -- ✓`;
    const first = await t.using({ unique: { key } }).enqueue(1);
    expect((await t.using({ unique: { key } }).enqueue(2)).id).toBe(first.id);
  });

  it("refuses backend aliases that are empty, too long or unstorable", () => {
    for (const [alias, message] of [
      ["", 'Backend alias "" is empty'],
      ["a\u0000", 'Backend alias "a\\u0000" contains a NUL character'],
      ["a".repeat(300), "is 300 characters long; the limit is 255"],
    ] as const) {
      expectRefused(() => configureTasks({ backends: { default: backend, [alias]: backend } }), message, InvalidConfigurationError);
    }
  });
});
