/**
 * Enqueue's checks of task arguments: text every backend stores alike, a nesting limit, a
 * size limit, `runAfter` bounds. Each bad input gets one InvalidTaskError naming what is wrong
 * and how to fix it, before storage is reached, so no stored task changes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureTasks, InvalidTaskError, resetTasksConfiguration, task, unregisterTasks, withCommitHooks } from "../src/index.js";
import { describeNonJson } from "../src/json.js";
import { DEFAULT_MAX_ARGS_BYTES, MAX_JSON_DEPTH, MAX_RUN_AFTER_MS } from "../src/limits.js";
import { storeBackend, type StoreBackend } from "./store-backend.js";

let backend: StoreBackend;
let before: string;

beforeEach(async () => {
  unregisterTasks();
  backend = storeBackend();
  configureTasks({ backends: { default: { backend, queues: [] }, small: { backend, queues: [], maxArgsBytes: 2_048 } } });
  // Tasks already stored, which no refused enqueue may touch.
  const witness = task({ name: "witness" }, (value: unknown) => value);
  await witness.enqueue({ user: { name: "Ada" } });
  await witness.enqueueMany([["one"], [2]]);
  before = backend.snapshot();
});
afterEach(() => resetTasksConfiguration());

/** Expects `attempt` to throw InvalidTaskError with `message`, and the store to be unchanged. */
async function expectRefused(attempt: () => unknown, message: string | RegExp): Promise<void> {
  const calls = backend.enqueueCalls;
  await expect(async () => attempt()).rejects.toThrow(InvalidTaskError);
  await expect(async () => attempt()).rejects.toThrow(message);
  expect(backend.enqueueCalls).toBe(calls);
  expect(backend.snapshot()).toBe(before);
}

/** `value` wrapped in `depth` arrays. */
function nested(depth: number, value: unknown = 1): unknown {
  let current = value;
  for (let level = 0; level < depth; level++) current = [current];
  return current;
}

describe("NUL characters and lone surrogates", () => {
  const echo = () => task({ name: "echo" }, (...values: unknown[]) => values.length);

  it.each([
    [[{ user: { name: "Ad\u0000a" } }], 'args[0].user.name contains a NUL character (\\u0000) at index 2'],
    [["ok", ["x", "\u0000"]], "args[1][1] contains a NUL character (\\u0000) at index 0"],
    [[{ "the key": ["\ud800"] }], 'args[0]["the key"][0] contains a lone UTF-16 surrogate (\\ud800) at index 0, which is not valid Unicode'],
    [["ab\udc00"], "args[0] contains a lone UTF-16 surrogate (\\udc00) at index 2"],
    [["\ud83d\ude00 then \ud83d"], "args[0] contains a lone UTF-16 surrogate (\\ud83d) at index 8"],
    [[{ user: { "na\u0000me": 1 } }], 'args[0].user has a key "na\\u0000me" that contains a NUL character (\\u0000) at index 2'],
    [[{ ["\udfff"]: 1 }], 'args[0] has a key "\\udfff" that contains a lone UTF-16 surrogate (\\udfff) at index 0'],
  ])("refuses %j, naming the path", async (args, message) => {
    const t = echo();
    await expectRefused(() => t.enqueue(...args), `Task "echo" cannot be enqueued: ${message}`);
    await expectRefused(() => t.enqueue(...args), /Postgres refuses them\): remove them, or encode binary data \(base64, for example\)\./);
  });

  it("refuses the whole enqueueMany when one task's arguments are bad", async () => {
    const t = echo();
    await expectRefused(() => t.enqueueMany([["fine"], ["bad\u0000"]]), "args[0] contains a NUL character");
  });

  it("checks enqueueOnCommit at the call site and deschedule too", async () => {
    const t = echo();
    const db = { transaction: <T>(callback: (tx: object) => T) => callback({}) };
    await expectRefused(() => withCommitHooks(db, (tx) => t.enqueueOnCommit(tx, "\u0000")), "args[0] contains a NUL character");
    await expectRefused(() => t.deschedule("\u0000"), 'Task "echo" cannot be descheduled: args[0] contains a NUL character');
  });

  it("stores surrogate pairs (emoji) and other Unicode unchanged", async () => {
    const t = echo();
    const args = ["\ud83d\ude00", { "名前": "Zoë ẞ ﷽", "🔑": ["\u0001\u001f\u007f\u2028"] }];
    const result = await t.enqueue(...args);
    expect(backend.rows.get(result.id)?.args).toEqual(args);
  });
});

describe("return values", () => {
  it("follow the same text and depth rules (checked by the worker before storing them)", () => {
    expect(describeNonJson({ note: "a\u0000b" }, "the return value")).toBe("the return value.note contains a NUL character (\\u0000) at index 1");
    expect(describeNonJson(nested(MAX_JSON_DEPTH), "the return value")).toBeNull();
    expect(describeNonJson(nested(MAX_JSON_DEPTH + 1), "the return value")).toBe(`the return value${"[0]".repeat(MAX_JSON_DEPTH)} is nested more than ${MAX_JSON_DEPTH} levels deep`);
  });
});

describe("nesting depth", () => {
  const echo = () => task({ name: "deep" }, (value: unknown) => value);

  it(`accepts arguments nested ${MAX_JSON_DEPTH} levels deep`, async () => {
    const result = await echo().enqueue(nested(MAX_JSON_DEPTH));
    expect(backend.rows.get(result.id)?.args).toEqual([nested(MAX_JSON_DEPTH)]);
  });

  it(`refuses ${MAX_JSON_DEPTH + 1} levels, naming the path where the limit is passed`, async () => {
    const t = echo();
    const path = `args[0]${"[0]".repeat(MAX_JSON_DEPTH)}`;
    await expectRefused(() => t.enqueue(nested(MAX_JSON_DEPTH + 1)), `${path} is nested more than ${MAX_JSON_DEPTH} levels deep`);
    await expectRefused(() => t.enqueue(nested(MAX_JSON_DEPTH + 1)), `Arguments may nest at most ${MAX_JSON_DEPTH} levels of arrays and objects`);
    await expectRefused(() => t.enqueue({ a: nested(MAX_JSON_DEPTH, { b: 1 }) }), /^Task "deep" cannot be enqueued: args\[0\]\.a(\[0\])+ is nested/);
  });

  it("refuses 100,000 levels with the same error instead of overflowing the stack", async () => {
    const t = echo();
    await expectRefused(() => t.enqueue(nested(100_000)), "is nested more than");
    expect(describeNonJson(nested(100_000), "the return value")).toMatch(/^the return value(\[0\])+ is nested more than 100 levels deep$/);
  });

  it("still reports cycles as cycles", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { again: cyclic };
    const t = echo();
    await expectRefused(() => t.enqueue(cyclic), "args[0].self.again refers back to itself (a cycle)");
  });
});

describe("size of the serialized arguments", () => {
  const echo = () => task({ name: "big" }, (value: string) => value.length);
  const smallEcho = () => task({ name: "big.small", backend: "small" }, (value: string) => value.length);

  it("accepts arguments of exactly maxArgsBytes bytes of UTF-8 JSON (default 1 MiB)", async () => {
    // ["…"]: two brackets and two quotes around the text.
    const result = await echo().enqueue("x".repeat(DEFAULT_MAX_ARGS_BYTES - 4));
    expect(backend.rows.get(result.id)?.args[0]).toHaveLength(DEFAULT_MAX_ARGS_BYTES - 4);
  });

  it("refuses one byte more, with the size, the limit, the alias and what to do", async () => {
    const t = echo();
    await expectRefused(
      () => t.enqueue("x".repeat(DEFAULT_MAX_ARGS_BYTES - 3)),
      'Task "big" cannot be enqueued: its arguments take at least 1,048,577 bytes as JSON, more than the 1,048,576 bytes backend "default" allows (its maxArgsBytes setting). ' +
        "Store large data elsewhere (a file, a table, object storage) and pass its id, or raise maxArgsBytes (at most 67,108,864).",
    );
    // Two-byte characters: half as many characters reach the same size, measured exactly.
    const half = (DEFAULT_MAX_ARGS_BYTES - 4) / 2;
    await t.enqueue("é".repeat(half));
    before = backend.snapshot();
    await expectRefused(() => t.enqueue("é".repeat(half + 1)), "its arguments take 1,048,578 bytes as JSON, more than the 1,048,576 bytes");
  });

  it("counts UTF-8 bytes and JSON escapes, not characters", async () => {
    const t = smallEcho();
    // 1,000 characters: "é" takes 2 bytes, '"' is written \" (2 bytes), "\n" is written \n.
    await t.enqueue("x".repeat(1_000));
    before = backend.snapshot();
    await expectRefused(() => t.enqueue("é".repeat(1_100)), "its arguments take 2,204 bytes as JSON, more than the 2,048 bytes backend \"small\" allows");
    await expectRefused(() => t.enqueue('"'.repeat(1_100)), "take 2,204 bytes");
    await expectRefused(() => t.enqueue("\u0001".repeat(400)), "take 2,404 bytes");
    await t.enqueue("é".repeat(1_000));
  });

  it("refuses 20 MB without serializing it, saying it takes at least the limit", async () => {
    const t = echo();
    await expectRefused(() => t.enqueue("x".repeat(20_000_000)), "its arguments take at least 20,000,004 bytes as JSON, more than the 1,048,576 bytes");
  });

  it("counts every argument of the task together", async () => {
    const pair = task({ name: "pair", backend: "small" }, (a: string, b: string) => a + b);
    await expectRefused(() => pair.enqueue("é".repeat(600), "ü".repeat(600)), "take 2,407 bytes");
  });
});

describe("runAfter bounds", () => {
  const later = () => task({ name: "later" }, () => null);

  it.each([
    [new Date(Date.UTC(275760, 8, 13)), "+275760-09-13T00:00:00.000Z"],
    [new Date(Date.UTC(10000, 0, 1)), "+010000-01-01T00:00:00.000Z"],
    [new Date(-1), "1969-12-31T23:59:59.999Z"],
    [new Date(Date.UTC(-5, 0, 1)), "-000005-01-01T00:00:00.000Z"],
  ])("refuses %s at using(), naming the allowed range", async (date, shown) => {
    const t = later();
    await expectRefused(
      () => t.using({ runAfter: date }),
      `Invalid runAfter Date(${shown}) for task "later" (using()): it must be from 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z, the range every backend can store.`,
    );
  });

  it("refuses an invalid Date and a non-Date", async () => {
    const t = later();
    await expectRefused(() => t.using({ runAfter: new Date(Number.NaN) }), "Invalid runAfter Date(invalid)");
    await expectRefused(() => t.using({ runAfter: 1_700_000_000 as unknown as Date }), "Invalid runAfter 1700000000");
  });

  it("accepts both ends of the range and stores them unchanged", async () => {
    const t = later();
    for (const ms of [0, MAX_RUN_AFTER_MS]) {
      const result = await t.using({ runAfter: new Date(ms) }).enqueue();
      expect(backend.rows.get(result.id)?.runAfter).toEqual(new Date(ms));
    }
  });
});

describe("SQL-shaped and escape-shaped arguments", () => {
  it("are plain data: stored exactly as given", async () => {
    const t = task({ name: "sql" }, (...values: unknown[]) => values.length);
    const args = ["'; DROP TABLE tasks_results; --", "$1", "\\x00", "\\u0000", "%s %d", { "'); --": "\" OR 1=1 --", $2: ["?", ":name", "`x`"] }];
    const result = await t.enqueue(...args);
    expect(backend.rows.get(result.id)?.args).toEqual(args);
  });
});
