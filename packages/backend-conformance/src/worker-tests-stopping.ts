/** Worker tests: graceful and forced stop, batch mode and limits, queues, bad rows, events. */
import {
  configureTasks,
  silentLogger,
  ResultStatus,
  task,
  taskEvents,
  unregisterTasks,
  Worker,
} from "@tasks/core";
import { expect, it } from "vitest";
import type { WorkerTestContext } from "./worker-context.js";
import { advanceUntil, eventually, withOverrides } from "./worker-helpers.js";

/** Registers the stop, limit, queue, bad-row and event tests. */
export function stopLimitAndEventTests(context: WorkerTestContext): void {
  const { setUp, startWorker, statusOf, runs, workers } = context;

  it("a graceful stop lets the running task finish; a forced stop hands it back", async () => {
    const { alias, clock, backend } = setUp();
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

  it("tasks whose claim returns after a forced stop are handed back without running, and without using up an attempt", async () => {
    const { alias, clock, backend } = setUp();
    let calls = 0;
    // One attempt: a hand-back that counted it would leave the task FAILED without ever running.
    const never = task({ name: "raced", backend: alias, maxAttempts: 1 }, () => {
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
    // The other claim lane's claim may also be in flight and take the handed-back task again.
    expect(summary).toMatchObject({ stoppedBy: "forced", succeeded: 0, failed: 0 });
    expect(summary.claimed).toBeGreaterThanOrEqual(1);
    expect(summary.retried).toBe(summary.claimed);
    expect(calls).toBe(0);
    expect(await statusOf(result)).toBe(ResultStatus.READY);
    expect(result.errors.length).toBe(summary.claimed);
    expect(new Set(result.errors.map((error) => error.className))).toEqual(new Set(["WorkerShutdownError"]));
  });

  it("a stop that arrives while a claim is in flight is not lost (the worker ends without waiting for its next poll)", async () => {
    const { alias, clock, backend } = setUp();
    let worker!: Worker;
    const stopMidClaim = withOverrides(backend, {
      claim: async (params) => {
        const claimed = await backend.claim(params);
        worker.stop();
        return claimed;
      },
    });
    configureTasks({ backends: { default: { backend, queues: [] }, [alias]: { backend: stopMidClaim, queues: [] } }, clock, logger: silentLogger });
    worker = new Worker({ backend: alias, queues: "*", pollIntervalMs: 60_000 });
    let summary: { stoppedBy: string } | undefined;
    void worker.run().then((done) => (summary = done));
    // No clock advance: a lost wake-up would leave the worker asleep for its 60 s poll.
    await eventually("the worker ended", () => summary !== undefined, 5_000);
    expect(summary?.stoppedBy).toBe("signal");
  });

  it("an enqueue notification that arrives while the claim lanes are busy is not lost", async () => {
    const { alias, clock, backend } = setUp();
    expect(typeof backend.onTasksAvailable, "every backend here notifies its own enqueues").toBe("function");
    const ran: number[] = [];
    const noted = task({ name: "noted", backend: alias }, (n: number) => void ran.push(n));
    let enqueued = false;
    const enqueueMidClaim = withOverrides(backend, {
      claim: async (params) => {
        const claimed = await backend.claim(params);
        // This claim has already looked; only a later claim can find the task enqueued now.
        if (!enqueued) {
          enqueued = true;
          await noted.enqueue(1);
        }
        return claimed;
      },
    });
    configureTasks({ backends: { default: { backend, queues: [] }, [alias]: { backend: enqueueMidClaim, queues: [] } }, clock, logger: silentLogger });
    // 50 slots: two claim lanes. No clock advance: a lost wake-up would wait out the 60 s poll.
    const worker = new Worker({ backend: alias, queues: "*", concurrency: 50, pollIntervalMs: 60_000 });
    const run = worker.run();
    await eventually("the task enqueued during a claim ran", () => ran.length === 1, 5_000);
    worker.stop();
    expect(await run).toMatchObject({ claimed: 1, succeeded: 1 });
  });

  it("a forced stop with no attempts left fails the task", async () => {
    const { alias, clock, backend } = setUp();
    let started = false;
    const hanging = task({ name: "hanging-once", backend: alias }, () => {
      started = true;
      return new Promise(() => {});
    });
    const result = await hanging.enqueue();
    const force = new AbortController();
    startWorker({ forceSignal: force.signal });
    // Its code must have started: a forced stop that lands between the claim and the start
    // hands the task back unrun (READY), which is a different promise.
    await eventually("it runs", async () => started && (await statusOf(result)) === ResultStatus.RUNNING);
    force.abort();
    await runs.at(-1);
    expect(await statusOf(result)).toBe(ResultStatus.FAILED);
  });

  it("batch mode exits when nothing is runnable; maxTasks stops after that many", async () => {
    const { alias, clock, backend } = setUp();
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
    const { alias, clock, backend } = setUp();
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

  it("takes only its queues and registered task names, and fails non-JSON returns without stopping", async () => {
    const { alias, clock, backend } = setUp();
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
    expect(summary.claimed).toBe(2);
    expect(await statusOf(skipped)).toBe(ResultStatus.READY);
    expect(await statusOf(ok)).toBe(ResultStatus.SUCCESSFUL);
    expect(ok.returnValue).toBeNull();
    expect(await statusOf(badResult)).toBe(ResultStatus.FAILED);
    expect(badResult.errors[0]?.message).toContain("the return value is a Date");
    // Not registered here: left READY for a worker that knows it (see worker-tests-task-names.ts).
    expect(await statusOf(ghostResult)).toBe(ResultStatus.READY);
    expect(ghostResult.attempts).toBe(0);
  });

  it("rows holding arguments the task's schema rejects end FAILED", async () => {
    const { alias, clock, backend } = setUp();
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
    const { alias, clock, backend } = setUp();
    const seen: string[] = [];
    taskEvents.on("taskStarted", ({ result }) => void seen.push(`started:${result.status}`));
    taskEvents.on("taskFinished", ({ result }) => void seen.push(`finished:${result.status}:${JSON.stringify(result.returnValue)}`));
    const echo = task({ name: "echo", backend: alias }, (value: string) => value);
    await echo.enqueue("hi");
    await new Worker({ backend: alias, queues: "*", batch: true }).run();
    expect(seen).toEqual(["started:RUNNING", 'finished:SUCCESSFUL:"hi"']);
  });
}
