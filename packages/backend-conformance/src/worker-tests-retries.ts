/** Worker tests: retries and backoff, lease rescue, free slots, timeouts and cancel. */
import {
  cancelTask,
  configureTasks,
  silentLogger,
  ResultStatus,
  task,
  taskEvents,
  Worker,
} from "@tasks/core";
import { expect, it } from "vitest";
import type { WorkerTestContext } from "./worker-context.js";
import { advanceUntil, eventually, withOverrides } from "./worker-helpers.js";

/** Registers the retry, lease, slot, timeout and cancel tests. */
export function retryLeaseAndSlotTests(context: WorkerTestContext): void {
  const { setUp, startWorker, statusOf, runs, workers } = context;

  it("retries at the backoff times, then succeeds with one error per failed attempt", async () => {
    const { alias, clock, backend } = setUp();
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
    // To 1 s before the retry, counted from the failure: advanceUntil may have stepped the
    // clock past the failure before the write became visible (a loaded machine, real storage).
    await clock.advance(Math.max(0, failedAt[1]! + 20_000 - clock.now().getTime()));
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
    const { alias, clock, backend } = setUp();
    const failing = task({ name: "custom-backoff", backend: alias, maxAttempts: 2, backoff: (attempts) => attempts * 60_000 }, () => {
      throw new Error("no");
    });
    const result = await failing.enqueue();
    const start = clock.now().getTime();
    startWorker();
    await eventually("the first attempt failed", async () => (await result.refresh()).errors.length === 1);
    expect(result.runAfter?.getTime()).toBe(start + 60_000);
  });

  it("a task whose worker loses touch with storage is rescued and run by another worker; the cut-off worker's attempt writes nothing", async () => {
    const { alias, clock, backend } = setUp({ leaseMs: 3_000 });
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const slow = task({ name: "slow", backend: alias, maxAttempts: 2 }, async () => {
      calls++;
      if (calls === 1) await hung;
      return calls;
    });
    const result = await slow.enqueue();
    // Worker A claims on the real alias's rows, then loses touch with storage (as if
    // partitioned): its heartbeats and later claims fail, so its lease lapses.
    const realAlias = alias;
    let claimsA = 0;
    const partitioned = withOverrides(backend, {
      heartbeat: async () => {
        throw new Error("network partition");
      },
      rescueExpired: async () => [],
      claim: async (params) => {
        if (++claimsA > 1) throw new Error("network partition");
        return backend.claim({ ...params, backend: realAlias });
      },
      complete: (params) => backend.complete({ ...params, backend: realAlias }),
    });
    configureTasks({
      backends: { default: { backend, queues: [] }, [alias]: { backend, queues: [], leaseMs: 3_000 }, [`${alias}-a`]: { backend: partitioned, queues: [], leaseMs: 3_000 } },
      clock,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    // Worker A's later claims fail, so only worker B can take the rescued task. Worker A aborts
    // its attempt once the lease it could not renew has run out, and writes nothing.
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
    const { alias, clock, backend } = setUp();
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
    const { alias, clock, backend } = setUp();
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
    const { alias, clock, backend } = setUp();
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
    const { alias, clock, backend } = setUp();
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
}
