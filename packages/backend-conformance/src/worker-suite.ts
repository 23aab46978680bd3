/**
 * Worker behaviour on a real backend: retries at backoff times, rescue of expired leases,
 * guarded late completions, timeouts, cancel, graceful and forced stop, batch mode and
 * limits. Time is a TestClock; storage calls run for real, so every wait is
 * "advance the clock, then wait (briefly, in real time) until the backend shows the state".
 */
import {
  cancelTask,
  configureTasks,
  consoleLogger,
  silentLogger,
  resetTasksConfiguration,
  ResultStatus,
  task,
  taskEvents,
  TestClock,
  unregisterTasks,
  Worker,
  type TaskBackend,
  type TaskResult,
  type WorkerOptions,
} from "@tasks/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

/** The backend under test; a second instance on the same storage is optional. */
export interface WorkerSuiteFactory {
  (): Promise<{ backend: TaskBackend; close: () => Promise<void> }>;
}

let aliasCounter = 0;

/**
 * The same backend with some operations replaced: fault injection around real storage
 * (every other operation goes to the real backend, bound to it).
 */
export function withOverrides(backend: TaskBackend, overrides: Partial<TaskBackend>): TaskBackend {
  const wrapped: Record<string, unknown> = { kind: backend.kind, capabilities: backend.capabilities };
  for (const key of ["enqueue", "claim", "heartbeat", "complete", "completeAtomically", "rescueExpired", "cancel", "deschedule", "get", "health", "prune", "close", "onTasksAvailable"] as const) {
    const original = backend[key] as ((...args: unknown[]) => unknown) | undefined;
    if (original) wrapped[key] = original.bind(backend);
  }
  return Object.assign(wrapped, overrides) as unknown as TaskBackend;
}

/** Polls `check` in real time until it returns true; fails naming `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Advances `clock` by `stepMs` at a time until `check` holds (at most `maxSteps` steps). */
export async function advanceUntil(clock: TestClock, what: string, check: () => Promise<boolean> | boolean, stepMs = 500, maxSteps = 400): Promise<void> {
  for (let step = 0; step < maxSteps; step++) {
    if (await check()) return;
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`The clock advanced ${maxSteps * stepMs} ms but never ${what}.`);
}

/** Registers the worker behaviour tests for one backend. */
export function describeWorkerBehaviour(name: string, factory: WorkerSuiteFactory): void {
  describe(`${name}: worker behaviour`, () => {
    let backend: TaskBackend;
    let close: () => Promise<void>;
    let clock: TestClock;
    let alias: string;
    const workers: Worker[] = [];
    const runs: Promise<unknown>[] = [];

    beforeAll(async () => {
      ({ backend, close } = await factory());
    });
    afterAll(async () => {
      await close();
    });

    function setUp(settings: { maxAttempts?: number; leaseMs?: number } = {}): void {
      clock = new TestClock(Date.UTC(2030, 0, 1));
      alias = `w${process.pid}-${++aliasCounter}-${Math.random().toString(36).slice(2, 8)}`;
      unregisterTasks();
      configureTasks({
        backends: { default: { backend, queues: [] }, [alias]: { backend, queues: [], leaseMs: settings.leaseMs ?? 15_000, ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}) } },
        clock,
        logger: process.env.TASKS_TEST_DEBUG ? consoleLogger("debug") : silentLogger,
      });
    }

    function startWorker(options: WorkerOptions = {}): Worker {
      const worker = new Worker({ backend: alias, queues: "*", pollIntervalMs: 1_000, ...options });
      workers.push(worker);
      runs.push(worker.run());
      return worker;
    }

    afterEach(async () => {
      for (const worker of workers) worker.stop({ force: true });
      await clock.advance(60_000);
      await Promise.allSettled(runs);
      workers.length = 0;
      runs.length = 0;
      taskEvents.clear();
      resetTasksConfiguration();
      unregisterTasks();
    });

    const statusOf = async (result: TaskResult<unknown>) => (await result.refresh()).status;

    it("retries at the backoff times, then succeeds with one error per failed attempt", async () => {
      setUp();
      let calls = 0;
      const failedAt: number[] = [];
      const flaky = task({ name: "flaky", backend: alias, maxAttempts: 3 }, () => {
        calls++;
        if (calls < 3) {
          // The same instant core reads when it schedules the retry (no await in between).
          failedAt.push(clock.now().getTime());
          throw new TypeError(`failure ${calls}`);
        }
        return { ok: calls };
      });
      const retried: Date[] = [];
      taskEvents.on("taskRetried", ({ result }) => void retried.push(result.runAfter as Date));
      const result = await flaky.enqueue();
      startWorker();
      await eventually("the first attempt failed", async () => (await result.refresh()).errors.length === 1);
      expect(result.status).toBe(ResultStatus.READY);
      expect(result.runAfter?.getTime()).toBe(failedAt[0]! + 6_000);
      await clock.advance(5_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(calls).toBe(1);
      await advanceUntil(clock, "the second attempt failed", async () => (await result.refresh()).errors.length === 2);
      expect(result.lastAttemptedAt!.getTime()).toBeGreaterThanOrEqual(failedAt[0]! + 6_000);
      expect(result.runAfter!.getTime()).toBe(failedAt[1]! + 21_000);
      await clock.advance(20_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(calls).toBe(2);
      await advanceUntil(clock, "the task succeeded", async () => (await statusOf(result)) === ResultStatus.SUCCESSFUL, 1_000);
      expect(result.attempts).toBe(3);
      expect(result.lastAttemptedAt!.getTime()).toBeGreaterThanOrEqual(failedAt[1]! + 21_000);
      expect(result.errors.map((error) => [error.className, error.message])).toEqual([
        ["TypeError", "failure 1"],
        ["TypeError", "failure 2"],
      ]);
      expect(result.errors[0]?.stack).toContain("failure 1");
      expect(result.returnValue).toEqual({ ok: 3 });
      expect(retried.map((date) => date.getTime())).toEqual([failedAt[0]! + 6_000, failedAt[1]! + 21_000]);
    });

    it("a custom backoff function sets the retry time", async () => {
      setUp();
      const failing = task({ name: "custom-backoff", backend: alias, maxAttempts: 2, backoff: (attempts) => attempts * 60_000 }, () => {
        throw new Error("no");
      });
      const result = await failing.enqueue();
      const start = clock.now().getTime();
      startWorker();
      await eventually("the first attempt failed", async () => (await result.refresh()).errors.length === 1);
      expect(result.runAfter?.getTime()).toBe(start + 60_000);
    });

    it("a task whose worker stops renewing its lease is rescued and run by another worker; the late completion is ignored", async () => {
      setUp({ leaseMs: 3_000 });
      let release!: () => void;
      const hung = new Promise<void>((resolve) => (release = resolve));
      let calls = 0;
      const slow = task({ name: "slow", backend: alias, maxAttempts: 2 }, async () => {
        calls++;
        if (calls === 1) await hung;
        return calls;
      });
      const result = await slow.enqueue();
      // Worker A loses touch with storage for its heartbeats (as if partitioned), so its lease lapses.
      // Worker A claims and completes on the real alias's rows.
      const realAlias = alias;
      const partitioned = withOverrides(backend, {
        heartbeat: async () => {
          throw new Error("network partition");
        },
        rescueExpired: async () => [],
        claim: (params) => backend.claim({ ...params, backend: realAlias }),
        complete: (params) => backend.complete({ ...params, backend: realAlias }),
      });
      configureTasks({
        backends: { default: { backend, queues: [] }, [alias]: { backend, queues: [], leaseMs: 3_000 }, [`${alias}-a`]: { backend: partitioned, queues: [], leaseMs: 3_000 } },
        clock,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      });
      // One slot: the hung task occupies worker A, so only worker B can take the rescued task.
      const workerA = new Worker({ backend: `${alias}-a`, queues: "*", workerId: "worker-a", concurrency: 1 });
      workers.push(workerA);
      const runA = workerA.run();
      runs.push(runA);
      await eventually("worker A started the task", () => calls === 1);
      expect((await result.refresh()).workerIds).toEqual(["worker-a"]);
      const rescued: string[] = [];
      taskEvents.on("taskRescued", ({ result: r }) => void rescued.push(r.id));
      startWorker({ workerId: "worker-b" });
      await advanceUntil(clock, "worker B finished the task", async () => (await statusOf(result)) === ResultStatus.SUCCESSFUL);
      expect(rescued).toEqual([result.id]);
      expect(result.workerIds).toEqual(["worker-a", "worker-b"]);
      expect(result.errors.map((error) => error.className)).toEqual(["WorkerLostError"]);
      expect(result.returnValue).toBe(2);
      release();
      workerA.stop();
      const summaryA = (await runA) as { lost: number; succeeded: number };
      expect(summaryA.lost).toBe(1);
      expect(summaryA.succeeded).toBe(0);
      expect((await result.refresh()).returnValue).toBe(2);
    });

    it("claims no more than its free slots", async () => {
      setUp();
      let running = 0;
      let peak = 0;
      const gates: Array<() => void> = [];
      const gated = task({ name: "gated", backend: alias }, async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
      });
      const results = await gated.enqueueMany(Array.from({ length: 7 }, () => []));
      const limits: number[] = [];
      const counting = withOverrides(backend, {
        claim: (params) => {
          limits.push(params.limit);
          return backend.claim(params);
        },
      });
      configureTasks({ backends: { default: { backend, queues: [] }, [alias]: { backend: counting, queues: [] } }, clock, logger: { debug() {}, info() {}, warn() {}, error() {} } });
      startWorker({ concurrency: 3 });
      await eventually("three tasks run", () => running === 3);
      await clock.advance(2_000);
      expect(running).toBe(3);
      gates.shift()?.();
      await eventually("a freed slot is refilled", () => running === 3 && gates.length === 3);
      await advanceUntil(clock, "all seven finished", async () => {
        gates.splice(0).forEach((open) => open());
        const statuses = await Promise.all(results.map(statusOf));
        return statuses.every((status) => status === ResultStatus.SUCCESSFUL);
      });
      expect(peak).toBe(3);
      expect(Math.max(...limits)).toBeLessThanOrEqual(3);
    });

    it("split claims (large free-slot counts) still never take more than the free slots", async () => {
      setUp();
      let running = 0;
      let peak = 0;
      const gates: Array<() => void> = [];
      const gated = task({ name: "gated-many", backend: alias }, async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
      });
      const results = await gated.enqueueMany(Array.from({ length: 100 }, () => []));
      const limits: number[] = [];
      const counting = withOverrides(backend, {
        claim: (params) => {
          limits.push(params.limit);
          return backend.claim(params);
        },
      });
      configureTasks({ backends: { default: { backend, queues: [] }, [alias]: { backend: counting, queues: [] } }, clock, logger: silentLogger });
      startWorker({ concurrency: 60 });
      await eventually("sixty tasks run", () => running === 60);
      await clock.advance(2_000);
      expect(running).toBe(60);
      expect(limits.slice(0, 2)).toEqual([30, 30]);
      await advanceUntil(clock, "all hundred finished", async () => {
        gates.splice(0).forEach((open) => open());
        const statuses = await Promise.all(results.map(statusOf));
        return statuses.every((status) => status === ResultStatus.SUCCESSFUL);
      });
      expect(peak).toBe(60);
    });

    it("times out a task through its AbortSignal and retries or fails it", async () => {
      setUp();
      let sawAbort = false;
      const stuck = task({ name: "stuck", backend: alias, takesContext: true, timeoutMs: 1_000, maxAttempts: 2 }, async (context) => {
        await new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve()));
        sawAbort = context.signal.aborted;
      });
      const result = await stuck.enqueue();
      startWorker();
      await advanceUntil(clock, "the task failed for good", async () => (await statusOf(result)) === ResultStatus.FAILED, 1_000);
      expect(sawAbort).toBe(true);
      expect(result.attempts).toBe(2);
      expect(result.errors.map((error) => error.className)).toEqual(["TaskTimeoutError", "TaskTimeoutError"]);
      expect(result.errors[0]?.message).toContain("timeout of 1000 ms");
    });

    it("cancelling a running task aborts its signal, ends it CANCELLED and never retries it", async () => {
      setUp();
      let aborted = false;
      let runs = 0;
      const long = task({ name: "long", backend: alias, takesContext: true, maxAttempts: 3 }, async (context) => {
        runs++;
        await new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve()));
        aborted = true;
        return "late";
      });
      const result = await long.enqueue();
      startWorker();
      await eventually("the task runs", () => runs === 1);
      await cancelTask(result.id, alias);
      await advanceUntil(clock, "the signal was aborted", () => aborted);
      await clock.advance(120_000);
      expect(await statusOf(result)).toBe(ResultStatus.CANCELLED);
      expect(runs).toBe(1);
      expect(() => result.returnValue).toThrow(/was cancelled/);
    });

    it("a graceful stop lets the running task finish; a forced stop hands it back", async () => {
      setUp();
      let finish!: () => void;
      const graceful = task({ name: "graceful", backend: alias }, async () => {
        await new Promise<void>((resolve) => (finish = resolve));
        return "done";
      });
      const first = await graceful.enqueue();
      const stop = new AbortController();
      const worker = startWorker({ signal: stop.signal });
      await eventually("the task runs", () => typeof finish === "function");
      const pending = runs.at(-1)!;
      stop.abort();
      await clock.advance(1_000);
      expect(worker.runningCount).toBe(1);
      finish();
      const summary = (await pending) as { succeeded: number; stoppedBy: string };
      expect(summary).toMatchObject({ succeeded: 1, stoppedBy: "signal" });
      expect(await statusOf(first)).toBe(ResultStatus.SUCCESSFUL);

      const hanging = task({ name: "hanging", backend: alias, maxAttempts: 2 }, () => new Promise(() => {}));
      const handedBack = await hanging.enqueue();
      const finalOne = await hanging.using({ priority: -1 }).enqueue();
      const force = new AbortController();
      startWorker({ forceSignal: force.signal, maxTasks: 1 });
      await eventually("the first hanging task runs", async () => (await statusOf(handedBack)) === ResultStatus.RUNNING);
      force.abort();
      await runs.at(-1);
      expect(await statusOf(handedBack)).toBe(ResultStatus.READY);
      expect(handedBack.errors.map((error) => error.className)).toEqual(["WorkerShutdownError"]);
      expect(await statusOf(finalOne)).toBe(ResultStatus.READY);
    });

    it("tasks whose claim returns after a forced stop are handed back without running", async () => {
      setUp();
      let calls = 0;
      const never = task({ name: "raced", backend: alias, maxAttempts: 2 }, () => {
        calls++;
        return new Promise(() => {});
      });
      const result = await never.enqueue();
      const force = new AbortController();
      const racing = withOverrides(backend, {
        claim: async (params) => {
          const claimed = await backend.claim(params);
          if (claimed.length > 0) force.abort();
          return claimed;
        },
      });
      configureTasks({ backends: { default: { backend, queues: [] }, [alias]: { backend: racing, queues: [] } }, clock, logger: silentLogger });
      const summary = await new Worker({ backend: alias, queues: "*", forceSignal: force.signal }).run();
      expect(summary).toMatchObject({ claimed: 1, stoppedBy: "forced", retried: 1 });
      expect(calls).toBe(0);
      expect(await statusOf(result)).toBe(ResultStatus.READY);
      expect(result.errors.map((error) => error.className)).toEqual(["WorkerShutdownError"]);
    });

    it("a forced stop with no attempts left fails the task", async () => {
      setUp();
      const hanging = task({ name: "hanging-once", backend: alias }, () => new Promise(() => {}));
      const result = await hanging.enqueue();
      const force = new AbortController();
      startWorker({ forceSignal: force.signal });
      await eventually("it runs", async () => (await statusOf(result)) === ResultStatus.RUNNING);
      force.abort();
      await runs.at(-1);
      expect(await statusOf(result)).toBe(ResultStatus.FAILED);
    });

    it("batch mode exits when nothing is runnable; maxTasks stops after that many", async () => {
      setUp();
      const noop = task({ name: "noop", backend: alias }, (n: number) => n * 2);
      const results = await noop.enqueueMany([[1], [2], [3], [4], [5]]);
      await noop.using({ runAfter: new Date(clock.now().getTime() + 3_600_000) }).enqueue(6);
      const limited = new Worker({ backend: alias, queues: "*", maxTasks: 2 });
      const summary = await limited.run();
      expect(summary).toMatchObject({ claimed: 2, succeeded: 2, stoppedBy: "maxTasks" });
      const batch = await new Worker({ backend: alias, queues: "*", batch: true }).run();
      expect(batch).toMatchObject({ claimed: 3, succeeded: 3, stoppedBy: "batch" });
      expect((await Promise.all(results.map(statusOf))).every((status) => status === ResultStatus.SUCCESSFUL)).toBe(true);
      expect((await results[4]!.refresh()).returnValue).toBe(10);
    });

    it("durationMs stops the worker after that long", async () => {
      setUp();
      const worker = startWorker({ durationMs: 5_000 });
      const pending = runs.at(-1)!;
      await clock.advance(4_000);
      expect(worker.runningCount).toBe(0);
      let done = false;
      void pending.then(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(done).toBe(false);
      await advanceUntil(clock, "the worker stopped", () => done, 1_000);
      expect(((await pending) as { stoppedBy: string }).stoppedBy).toBe("duration");
    });

    it("takes only its queues, and fails unknown tasks and non-JSON returns without stopping", async () => {
      setUp();
      const other = task({ name: "other-queue", backend: alias, queueName: "other" }, () => 1);
      const mine = task({ name: "mine", backend: alias, queueName: "mine" }, () => undefined);
      const bad = task({ name: "bad-return", backend: alias, queueName: "mine" }, () => new Date(0) as unknown as string);
      const ghost = task({ name: "ghost", backend: alias, queueName: "mine" }, () => 1);
      const skipped = await other.enqueue();
      const ok = await mine.enqueue();
      const badResult = await bad.enqueue();
      const ghostResult = await ghost.enqueue();
      unregisterTasks("ghost");
      const summary = await new Worker({ backend: alias, queues: ["mine"], batch: true }).run();
      expect(summary.claimed).toBe(3);
      expect(await statusOf(skipped)).toBe(ResultStatus.READY);
      expect(await statusOf(ok)).toBe(ResultStatus.SUCCESSFUL);
      expect(ok.returnValue).toBeNull();
      expect(await statusOf(badResult)).toBe(ResultStatus.FAILED);
      expect(badResult.errors[0]?.message).toContain("the return value is a Date");
      expect(await statusOf(ghostResult)).toBe(ResultStatus.FAILED);
      expect(ghostResult.errors[0]).toMatchObject({ className: "UnknownTaskError" });
      expect(ghostResult.errors[0]?.message).toContain('No task named "ghost" is registered');
    });

    it("rows holding arguments the task's schema rejects end FAILED", async () => {
      setUp();
      let strict = false;
      const schema = { parse: (value: unknown) => { if (strict) throw new Error("args[0] must be a string"); return value; } };
      const checked = task({ name: "checked", backend: alias, argsSchema: schema }, (_value: unknown) => 1);
      const result = await checked.enqueue(5);
      strict = true;
      await new Worker({ backend: alias, queues: "*", batch: true }).run();
      expect(await statusOf(result)).toBe(ResultStatus.FAILED);
      expect(result.errors[0]?.message).toContain("do not match its argsSchema: args[0] must be a string");
    });

    it("emits started and finished events with the result", async () => {
      setUp();
      const seen: string[] = [];
      taskEvents.on("taskStarted", ({ result }) => void seen.push(`started:${result.status}`));
      taskEvents.on("taskFinished", ({ result }) => void seen.push(`finished:${result.status}:${JSON.stringify(result.returnValue)}`));
      const echo = task({ name: "echo", backend: alias }, (value: string) => value);
      await echo.enqueue("hi");
      await new Worker({ backend: alias, queues: "*", batch: true }).run();
      expect(seen).toEqual(["started:RUNNING", 'finished:SUCCESSFUL:"hi"']);
    });
  });
}
