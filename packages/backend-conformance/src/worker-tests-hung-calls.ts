/**
 * Worker tests: storage calls that never settle (a driver that drops a query when its
 * connection dies) or settle late. The worker's `storageTimeoutMs` runs in real time, so these
 * tests use the smallest allowed limit and wait for it for real.
 */
import { configureTasks, ResultStatus, silentLogger, task, type Logger, type TaskBackend } from "@tasks/core";
import { expect, it } from "vitest";
import type { WorkerTestContext } from "./worker-context.js";
import { advanceUntil, withOverrides } from "./worker-helpers.js";

/** The smallest `storageTimeoutMs` a worker accepts. */
const LIMIT_MS = 100;

/** A promise that never settles: the call a driver dropped. */
const never = <T>() => new Promise<T>(() => {});

function errorLines(): { logger: Logger; errors: string[]; warns: string[] } {
  const errors: string[] = [];
  const warns: string[] = [];
  const logger: Logger = { ...silentLogger, error: (message, fields) => void errors.push(`${message} ${JSON.stringify(fields ?? {})}`), warn: (message) => void warns.push(message) };
  return { logger, errors, warns };
}

/** Configures `alias` on `backend` with `overrides` around it. */
function configureWith(context: { alias: string; clock: import("@tasks/core").TestClock; backend: TaskBackend }, overrides: Partial<TaskBackend>, logger: Logger): void {
  configureTasks({
    backends: { default: { backend: context.backend, queues: [] }, [context.alias]: { backend: withOverrides(context.backend, overrides), queues: [] } },
    clock: context.clock,
    logger,
  });
}

/** Registers the hung-call tests. */
export function hungCallTests(context: WorkerTestContext): void {
  const { setUp, startWorker, statusOf } = context;

  it("a claim that never settles counts as a failed call after storageTimeoutMs; the worker claims again and drains the queue", async () => {
    const setup = setUp();
    const log = errorLines();
    let claims = 0;
    configureWith(setup, { claim: (params) => (++claims === 1 ? never() : setup.backend.claim(params)) }, log.logger);
    const echo = task({ name: "hung.claim", backend: setup.alias }, (n: number) => n);
    const results = await echo.enqueueMany([[1], [2], [3]]);
    startWorker({ storageTimeoutMs: LIMIT_MS, concurrency: 5 });
    await advanceUntil(setup.clock, "every task ran after the hung claim", async () => {
      const statuses = await Promise.all(results.map((result) => statusOf(result)));
      return statuses.every((status) => status === ResultStatus.SUCCESSFUL);
    }, 100, 600);
    expect(claims).toBeGreaterThan(1);
    // The hung claim is the first storage failure. On a loaded machine a real call can also
    // outlast this tiny limit (and is retried), so later lines may name other operations.
    expect(log.errors[0]).toMatch(/^Storage calls are failing: claim failed with .*did not finish within 100 ms.*"code":"STORAGE_TIMEOUT"/);
    expect(log.errors.every((line) => line.includes('"code":"STORAGE_TIMEOUT"'))).toBe(true);
  });

  it("tasks from a claim that returns after storageTimeoutMs still run once, instead of waiting to be rescued", async () => {
    const setup = setUp();
    const log = errorLines();
    let claims = 0;
    configureWith(
      setup,
      {
        claim: async (params) => {
          const claimed = await setup.backend.claim(params);
          if (++claims === 1 && claimed.length > 0) await new Promise((resolve) => setTimeout(resolve, LIMIT_MS * 4));
          return claimed;
        },
      },
      log.logger,
    );
    const echo = task({ name: "hung.late", backend: setup.alias }, (n: number) => n * 2);
    const results = await echo.enqueueMany([[1], [2]]);
    startWorker({ storageTimeoutMs: LIMIT_MS, concurrency: 5 });
    await advanceUntil(setup.clock, "the late-claimed tasks ran", async () => {
      const statuses = await Promise.all(results.map((result) => statusOf(result)));
      return statuses.every((status) => status === ResultStatus.SUCCESSFUL);
    }, 100, 600);
    for (const result of results) {
      await result.refresh();
      expect(result.attempts).toBe(1);
      expect(result.errors).toEqual([]);
    }
    expect(log.warns).toContainEqual(expect.stringMatching(/^A claim that timed out returned 2 task\(s\) late; running them\.$/));
  });

  it("a result write that never settles is retried after storageTimeoutMs, and the result is stored", async () => {
    const setup = setUp();
    const log = errorLines();
    let writes = 0;
    configureWith(setup, { complete: (params) => (++writes === 1 ? never() : setup.backend.complete(params)) }, log.logger);
    const echo = task({ name: "hung.complete", backend: setup.alias }, () => "stored");
    const result = await echo.enqueue();
    startWorker({ storageTimeoutMs: LIMIT_MS });
    await advanceUntil(setup.clock, "the result was written on the second try", async () => (await statusOf(result)) === ResultStatus.SUCCESSFUL, 100, 600);
    expect(result.returnValue).toBe("stored");
    expect(writes).toBeGreaterThanOrEqual(2);
    expect(log.errors.some((line) => /^Storage calls are failing: complete failed with .*did not finish within 100 ms/.test(line))).toBe(true);
    expect(log.errors.every((line) => line.includes('"code":"STORAGE_TIMEOUT"'))).toBe(true);
  });

  it("rejects a storageTimeoutMs outside 100 ms to 1 hour, naming the option", () => {
    setUp();
    expect(() => startWorker({ storageTimeoutMs: 50 })).toThrow(/Worker option "storageTimeoutMs" must be a number of milliseconds from 100 to 3600000 \(got 50\)/);
    expect(() => startWorker({ storageTimeoutMs: 2 ** 40 })).toThrow(/storageTimeoutMs/);
  });
}
