import { afterEach, describe, expect } from "vitest";
import {
  configureTasks,
  EnqueueOutcomeUnknownError,
  InvalidTaskError,
  resetTasksConfiguration,
  silentLogger,
  task,
  TestClock,
  unregisterTasks,
  type AnyTask,
  type BackendSettings,
  type TaskBackend,
} from "@tasks/core";
import { at, type Harness } from "../harness.js";

/** Text that looks like SQL, placeholders or escapes: plain data that must come back unchanged. */
const SQL_SHAPED = [
  "'; DROP TABLE tasks_results; --",
  "\" OR 1=1 --",
  "$1",
  "$2::jsonb",
  "?",
  ":name",
  "\\x00",
  "\\u0000",
  "\\",
  "%s %d %%",
  "`tick`",
  "E'\\\\'",
  "'); DELETE FROM tasks_workers; --",
];

/** Valid text that is easy to get wrong on the way to storage and back. */
const ODD_TEXT = ["", " ", "Zoë ẞ 名前 ﷽", "😀 \ud83d\ude80", "tab\tnew\nline\r", "\u0001\u001f\u007f", "\u2028\u2029", "\ufeffbom", "\uffff"];

/** `value` wrapped in `depth` arrays. */
function nested(depth: number, value: unknown): unknown {
  let current = value;
  for (let level = 0; level < depth; level++) current = [current];
  return current;
}

/** `backend` with its first enqueue delayed by `ms` of real time (the write still happens). */
function slowFirstEnqueue(backend: TaskBackend, ms: number): TaskBackend {
  const wrapped: Record<string, unknown> = { kind: backend.kind, capabilities: backend.capabilities };
  for (const [key, value] of Object.entries(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(backend)))) {
    if (typeof value.value === "function" && key !== "constructor") wrapped[key] = value.value.bind(backend);
  }
  for (const key of Object.keys(backend)) {
    const value = (backend as unknown as Record<string, unknown>)[key];
    if (typeof value === "function") wrapped[key] = value.bind(backend);
  }
  let calls = 0;
  wrapped.enqueue = async (params: Parameters<TaskBackend["enqueue"]>[0]) => {
    if (++calls === 1) await new Promise((resolve) => setTimeout(resolve, ms));
    return backend.enqueue(params);
  };
  return wrapped as unknown as TaskBackend;
}

/**
 * Bad input through the @tasks/core API: core refuses it with the same InvalidTaskError on
 * every backend before storage is reached, so no stored task changes; valid but odd names and
 * SQL-shaped arguments are stored and read back unchanged.
 */
export function badInputSuite(h: Harness): void {
  describe("bad and odd input through @tasks/core", () => {
    afterEach(() => {
      resetTasksConfiguration();
      unregisterTasks();
    });

    function setUp(settings: Partial<BackendSettings> = {}): string {
      const alias = h.alias();
      const clock = new TestClock(at(0));
      configureTasks({ backends: { default: { backend: h.backend, queues: [] }, [alias]: { backend: h.backend, queues: [], ...settings } }, clock });
      return alias;
    }

    /** Stores two tasks in `alias`'s queue "witness"; the returned check fails if either, or that queue's counts, changed. */
    async function witnesses(alias: string): Promise<() => Promise<void>> {
      const witness = task({ name: `${alias}.witness`, backend: alias, queueName: "witness" }, (value: unknown) => value);
      const stored = await witness.enqueueMany([[{ keep: ["me", 1] }], ["two"]]);
      const snapshot = async () => ({
        records: await Promise.all(stored.map(async (result) => (await witness.getResult(result.id)).toRecord())),
        counts: (await h.backend.health({ backend: alias, now: at(0), recentFailures: 10 })).queues.witness,
      });
      const before = await snapshot();
      return async () => expect(await snapshot()).toEqual(before);
    }

    /** Expects `attempt` to reject (or throw) InvalidTaskError with exactly `message`. */
    async function expectRefused(attempt: () => unknown, message: string): Promise<void> {
      const error = await Promise.resolve()
        .then(attempt)
        .then(
          () => null,
          (reason: unknown) => reason,
        );
      expect(error).toBeInstanceOf(InvalidTaskError);
      expect((error as Error).message).toBe(message);
    }

    h.test("odd but valid task and queue names are stored and read back unchanged", {}, async () => {
      const alias = setUp();
      const names = [`${alias} it's "quoted"; DROP TABLE tasks_results; --`, `${alias} émoji 🚀 名前 \\ $1 %s`, `${alias}${"n".repeat(255 - alias.length)}`];
      for (const name of names) {
        const odd = task({ name, backend: alias, queueName: name.replace(alias, "queue") }, (n: number) => n);
        const result = await odd.enqueue(1);
        const read = await odd.getResult(result.id);
        expect(read.taskName).toBe(name);
        expect(read.queueName).toBe(name.replace(alias, "queue"));
      }
    });

    h.test("SQL-shaped, escape-shaped and unusual arguments round-trip unchanged", {}, async () => {
      const alias = setUp();
      const check = await witnesses(alias);
      const echo = task({ name: `${alias}.echo`, backend: alias }, (...values: unknown[]) => values.length);
      const objectOfThem = Object.fromEntries([...SQL_SHAPED, ...ODD_TEXT].map((text, index) => [text, index]));
      const argsList: unknown[][] = [SQL_SHAPED, ODD_TEXT, [objectOfThem], [nested(100, "deep")], [0, -1.5, 1e300, -0.000001, true, false, null, [], {}]];
      for (const args of argsList) {
        const result = await echo.enqueue(...args);
        expect((await echo.getResult(result.id)).args).toEqual(args);
      }
      const many = await echo.enqueueMany(argsList);
      for (const [index, result] of many.entries()) expect((await echo.getResult(result.id)).args).toEqual(argsList[index]);
      await check();
    });

    h.test("NUL characters and lone surrogates are refused with the same error on every backend; nothing stored changes", {}, async () => {
      const alias = setUp();
      const check = await witnesses(alias);
      const echo: AnyTask = task({ name: `${alias}.bad`, backend: alias }, (...values: unknown[]) => values.length);
      const prefix = `Task "${alias}.bad" cannot be enqueued:`;
      const advice = "NUL characters and lone surrogates cannot be stored by every backend (Postgres refuses them): remove them, or encode binary data (base64, for example).";
      await expectRefused(() => echo.enqueue({ user: { name: "Ad\u0000a" } }), `${prefix} args[0].user.name contains a NUL character (\\u0000) at index 2. ${advice}`);
      await expectRefused(() => echo.enqueue("ok", ["\ud800"]), `${prefix} args[1][0] contains a lone UTF-16 surrogate (\\ud800) at index 0, which is not valid Unicode. ${advice}`);
      await expectRefused(() => echo.enqueue({ "k\u0000": 1 }), `${prefix} args[0] has a key "k\\u0000" that contains a NUL character (\\u0000) at index 1. ${advice}`);
      await expectRefused(() => echo.enqueueMany([["fine"], ["\udc00"]]), `${prefix} args[0] contains a lone UTF-16 surrogate (\\udc00) at index 0, which is not valid Unicode. ${advice}`);
      await expectRefused(
        () => task({ name: `${alias}\u0000`, backend: alias }, () => 1),
        `Task name "${alias}\\u0000" contains a NUL character (\\u0000) at index ${alias.length}. Postgres cannot store it and other backends would store it differently; use a name without it.`,
      );
      await expectRefused(
        () => echo.using({ queueName: "q\ud800" }),
        `Invalid queue name "q\\ud800" for task "${alias}.bad" (using()): it contains a lone UTF-16 surrogate (\\ud800) at index 1, which is not valid Unicode. Postgres cannot store it and other backends would store it differently; use a name without it.`,
      );
      await check();
    });

    h.test("too deep, too large, too long and out-of-range input is refused the same way; nothing stored changes", {}, async () => {
      const alias = setUp({ maxArgsBytes: 4_096 });
      const check = await witnesses(alias);
      const echo: AnyTask = task({ name: `${alias}.big`, backend: alias }, (...values: unknown[]) => values.length);
      await expectRefused(
        () => echo.enqueue(nested(100_000, 1)),
        `Task "${alias}.big" cannot be enqueued: args[0]${"[0]".repeat(100)} is nested more than 100 levels deep. Arguments may nest at most 100 levels of arrays and objects: flatten the data, or store it elsewhere and pass its id.`,
      );
      await expectRefused(
        () => echo.enqueue("é".repeat(2_047)),
        `Task "${alias}.big" cannot be enqueued: its arguments take 4,098 bytes as JSON, more than the 4,096 bytes backend "${alias}" allows (its maxArgsBytes setting). ` +
          "Store large data elsewhere (a file, a table, object storage) and pass its id, or raise maxArgsBytes (at most 67,108,864).",
      );
      await expectRefused(() => task({ name: "x".repeat(10_000), backend: alias }, () => 1), `Task name "${"x".repeat(60)}…" is 10,000 characters long; the limit is 255. Use a shorter name: it is stored with every task.`);
      if (h.capabilities.supportsDefer) {
        await expectRefused(
          () => echo.using({ runAfter: new Date(Date.UTC(275760, 8, 13)) }),
          `Invalid runAfter Date(+275760-09-13T00:00:00.000Z) for task "${alias}.big" (using()): it must be from 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z, the range every backend can store. ` +
            "Check for a timestamp in the wrong unit (seconds for milliseconds, or the reverse).",
        );
        const latest = new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
        const deferred = await echo.using({ runAfter: latest }).enqueue();
        expect((await echo.getResult(deferred.id)).runAfter).toEqual(latest);
      }
      await check();
    });

    h.test(
      "an enqueue slower than enqueueTimeoutMs is outcome unknown; the late write lands and a unique retry returns it",
      { runsOnEnqueue: false },
      async () => {
        const alias = h.alias();
        configureTasks({
          backends: { default: { backend: h.backend, queues: [] }, [alias]: { backend: slowFirstEnqueue(h.backend, 400), queues: [], enqueueTimeoutMs: 100 } },
          clock: new TestClock(at(0)),
          logger: silentLogger,
        });
        const send = task({ name: `${alias}.send`, backend: alias }, (to: string) => to);
        const error = await send
          .using({ unique: true })
          .enqueue("ada@example.com")
          .then(
            () => null,
            (reason: unknown) => reason,
          );
        expect(error).toBeInstanceOf(EnqueueOutcomeUnknownError);
        expect((error as Error).message).toContain("so the task may or may not be stored");
        await new Promise((resolve) => setTimeout(resolve, 600));
        const retried = await send.using({ unique: true }).enqueue("ada@example.com");
        expect((await send.getResult(retried.id)).args).toEqual(["ada@example.com"]);
        const { queues } = await h.backend.health({ backend: alias, now: at(0), recentFailures: 0 });
        expect(queues.default?.READY).toBe(1);
      },
      15_000,
    );
  });
}
