/**
 * An enqueue is bounded in time (`enqueueTimeoutMs`) and says when its outcome is unknown:
 * a timeout or a transient storage fault rejects with EnqueueOutcomeUnknownError (original
 * error as `cause`); other errors pass through unchanged; nothing applies inside the caller's
 * own transaction. The limit runs in real time (a network does not follow a TestClock), so
 * these tests use the smallest limit, 100 ms, and a backend slowed down for real.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  configureTasks,
  EnqueueOutcomeUnknownError,
  resetTasksConfiguration,
  silentLogger,
  StorageTimeoutError,
  task,
  unregisterTasks,
  type Logger,
} from "../src/index.js";
import { codedError, storeBackend, type StoreBackend, type StoreBehaviour } from "./store-backend.js";

const LIMIT_MS = 100;
let behaviour: StoreBehaviour;
let backend: StoreBackend;
let warnings: string[];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeEach(() => {
  unregisterTasks();
  behaviour = {};
  backend = storeBackend(() => behaviour);
  warnings = [];
  const logger: Logger = { ...silentLogger, warn: (message) => void warnings.push(message) };
  configureTasks({ backends: { default: { backend, enqueueTimeoutMs: LIMIT_MS } }, logger });
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
  resetTasksConfiguration();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The rejection of `promise`, which must reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof Error)) throw new Error("expected a rejection with an Error");
  return error;
}

const RETRY_ADVICE =
  'To retry safely, enqueue with a unique key, using({ unique: true }) (by name and arguments) or using({ unique: { key: "..." } }): ' +
  "while a task with that key is READY or RUNNING, the retry returns it instead of storing a second one.";

describe("enqueueTimeoutMs", () => {
  it("rejects a slower enqueue as outcome unknown; the late write is logged and a unique retry finds it", async () => {
    const send = task({ name: "mail.send" }, (to: string) => to);
    behaviour = { delayMs: LIMIT_MS * 4 };
    const error = await rejectionOf(send.using({ unique: true }).enqueue("ada@example.com"));
    expect(error).toBeInstanceOf(EnqueueOutcomeUnknownError);
    expect(error.message).toBe(
      `Enqueue of task "mail.send" in backend "default" did not finish within 100 ms (its enqueueTimeoutMs), so the task may or may not be stored: the write may have reached storage. ${RETRY_ADVICE}`,
    );
    expect(error.cause).toBeInstanceOf(StorageTimeoutError);
    expect((error as EnqueueOutcomeUnknownError).code).toBe("ENQUEUE_OUTCOME_UNKNOWN");
    expect(backend.rows.size).toBe(0);

    await sleep(LIMIT_MS * 5);
    const [stored] = [...backend.rows.values()];
    expect(stored?.args).toEqual(["ada@example.com"]);
    expect(warnings).toEqual([expect.stringContaining('Enqueue of task "mail.send" in backend "default" finished after its enqueueTimeoutMs and stored 1 task(s)')]);

    behaviour = {};
    const retried = await send.using({ unique: true }).enqueue("ada@example.com");
    expect(retried.id).toBe(stored?.id);
    expect(backend.rows.size).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it("drops a failure that arrives after the timeout: no unhandled rejection", async () => {
    const send = task({ name: "mail.send" }, (to: string) => to);
    behaviour = { delayMs: LIMIT_MS * 3, fail: () => codedError("write EPIPE", "EPIPE") };
    const error = await rejectionOf(send.enqueueMany([["a"], ["b"]]));
    expect(error.message).toMatch(/^Enqueue of 2 tasks "mail.send" in backend "default" did not finish within 100 ms \(its enqueueTimeoutMs\), so each of the tasks may or may not be stored/);
    await sleep(LIMIT_MS * 4);
    expect(unhandled).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("leaves a fast enqueue alone", async () => {
    const send = task({ name: "mail.send" }, (to: string) => to);
    behaviour = { delayMs: 5 };
    expect((await send.enqueue("ada@example.com")).status).toBe("READY");
  });

  it("does not apply inside the caller's own transaction", async () => {
    const send = task({ name: "mail.send" }, (to: string) => to);
    behaviour = { delayMs: LIMIT_MS * 3 };
    const result = await send.using({ transaction: { any: "transaction" } }).enqueue("ada@example.com");
    expect(backend.rows.get(result.id)?.args).toEqual(["ada@example.com"]);
  });
});

describe("storage faults", () => {
  it.each([
    ["ECONNRESET", "read ECONNRESET"],
    ["57P01", "terminating connection due to administrator command"],
    ["08006", "connection failure"],
    ["SQLITE_BUSY", "database is locked"],
  ])("a transient fault (%s) rejects as outcome unknown with the fault as cause", async (code, message) => {
    const send = task({ name: "mail.send" }, (to: string) => to);
    const fault = codedError(message, code);
    behaviour = { fail: () => fault };
    const error = await rejectionOf(send.enqueue("ada@example.com"));
    expect(error).toBeInstanceOf(EnqueueOutcomeUnknownError);
    expect(error.cause).toBe(fault);
    expect(error.message).toContain(`Enqueue of task "mail.send" in backend "default" failed with a transient storage fault (${message}`);
    expect(error.message).toContain(`so the task may or may not be stored: the write may have reached storage. ${RETRY_ADVICE}`);
  });

  it.each([
    ["a permanent fault", () => codedError('database "gone" does not exist', "3D000")],
    ["a constraint violation", () => codedError("duplicate key value violates unique constraint", "23505")],
    ["an error without a code", () => new TypeError("backend bug")],
  ])("%s passes through unchanged", async (_, make) => {
    const send = task({ name: "mail.send" }, (to: string) => to);
    const original = make();
    behaviour = { fail: () => original };
    expect(await rejectionOf(send.enqueue("ada@example.com"))).toBe(original);
  });

  it("inside the caller's transaction, a transient fault passes through unchanged (the transaction decides)", async () => {
    const send = task({ name: "mail.send" }, (to: string) => to);
    const fault = codedError("read ECONNRESET", "ECONNRESET");
    behaviour = { fail: () => fault };
    expect(await rejectionOf(send.using({ transaction: {} }).enqueue("ada@example.com"))).toBe(fault);
  });
});
