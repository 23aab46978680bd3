/**
 * Worker tests: a worker that lost touch with storage. A forced stop during an outage ends
 * (results it cannot write are given up, and the tasks run again after rescue), and a task
 * whose lease ran out while heartbeats failed has its signal aborted.
 */
import { configureTasks, ResultStatus, silentLogger, task, Worker, WorkerLostError, type TaskBackend, type TestClock, type WorkerSummary } from "@tasks/core";
import { expect, it } from "vitest";
import type { WorkerTestContext } from "./worker-context.js";
import { advanceBy, advanceUntil, eventually, failingWhile } from "./worker-helpers.js";

/** Longest a forced stop may take here, in real time (the completer's give-up grace is 5 s). */
const FORCED_STOP_BOUND_MS = 3_000;

/** Configures `alias` on `backend` failing every worker call while `down()` says so. */
function configureFailing(setup: { alias: string; clock: TestClock; backend: TaskBackend }, leaseMs: number, down: () => boolean): void {
  configureTasks({
    backends: { default: { backend: setup.backend, queues: [] }, [setup.alias]: { backend: failingWhile(setup.backend, down), queues: [], leaseMs } },
    clock: setup.clock,
    logger: silentLogger,
  });
}

/** Registers the lost-touch tests. */
export function lostTouchTests(context: WorkerTestContext): void {
  const { setUp, startWorker, statusOf, runs, workers } = context;

  it("a forced stop while storage is down ends at once: unwritten results are given up, and after storage is back the tasks are rescued and run again", async () => {
    const setup = setUp({ leaseMs: 15_000 });
    const { alias, clock } = setup;
    let down = false;
    configureFailing(setup, 15_000, () => down);
    const calls = { finished: 0, hanging: 0 };
    let finish!: () => void;
    const finishes = task({ name: "forced.finishes", backend: alias, maxAttempts: 2 }, async () => {
      if (++calls.finished === 1) await new Promise<void>((resolve) => (finish = resolve));
      return "done";
    });
    const hangs = task({ name: "forced.hangs", backend: alias, maxAttempts: 2 }, async () => {
      if (++calls.hanging === 1) await new Promise(() => {});
      return "done";
    });
    const results = [await finishes.enqueue(), await hangs.enqueue()];
    const stop = new AbortController();
    const force = new AbortController();
    const worker = new Worker({ backend: alias, queues: "*", workerId: "worker-cut-off", signal: stop.signal, forceSignal: force.signal });
    workers.push(worker);
    let summary: WorkerSummary | undefined;
    runs.push(worker.run().then((done) => (summary = done)));
    await eventually("both tasks run", () => calls.finished === 1 && calls.hanging === 1);

    // A failed assertion must not leave storage down: the worker could not finish its run.
    try {
      down = true;
      finish(); // its result cannot be written: the completer retries it
      await advanceBy(clock, 2_000);
      stop.abort(); // a graceful stop waits for the hanging task and the unwritten result
      await advanceBy(clock, 2_000);
      expect(summary).toBeUndefined();
      // No clock advance from here: the forced stop must end on its own, within real seconds.
      force.abort();
      await eventually("the forced run ended", () => summary !== undefined, FORCED_STOP_BOUND_MS);
    } finally {
      down = false;
    }
    expect(summary).toMatchObject({ stoppedBy: "forced", claimed: 2, succeeded: 0, retried: 0, lost: 2 });
    // Nothing was written: both are still RUNNING under the stopped worker's leases.
    for (const result of results) expect(await statusOf(result)).toBe(ResultStatus.RUNNING);

    startWorker({ workerId: "worker-after" });
    await advanceUntil(clock, "both tasks were rescued and ran again", async () => {
      const statuses = await Promise.all(results.map((result) => statusOf(result)));
      return statuses.every((status) => status === ResultStatus.SUCCESSFUL);
    });
    // At-least-once: the task that had finished during the outage ran a second time.
    expect(calls).toEqual({ finished: 2, hanging: 2 });
    for (const result of results) {
      expect(result.workerIds).toEqual(["worker-cut-off", "worker-after"]);
      expect(result.errors.map((error) => error.className)).toEqual(["WorkerLostError"]);
    }
  });

  it("a graceful stop while storage is down forces after shutdownTimeoutMs and ends, giving up the unwritten result", async () => {
    const setup = setUp({ leaseMs: 15_000 });
    const { alias, clock } = setup;
    let down = false;
    configureFailing(setup, 15_000, () => down);
    let finish!: () => void;
    const finishes = task({ name: "graceful.outage", backend: alias }, async () => {
      await new Promise<void>((resolve) => (finish = resolve));
      return "done";
    });
    const result = await finishes.enqueue();
    const worker = startWorker({ shutdownTimeoutMs: 5_000 });
    let summary: WorkerSummary | undefined;
    void runs.at(-1)!.then((done) => (summary = done as WorkerSummary));
    await eventually("the task runs", () => typeof finish === "function");
    try {
      down = true;
      finish();
      await advanceBy(clock, 1_000);
      worker.stop();
      await advanceBy(clock, 4_000);
      expect(summary).toBeUndefined();
      await advanceBy(clock, 1_500);
      await eventually("the run ended", () => summary !== undefined, FORCED_STOP_BOUND_MS);
    } finally {
      down = false;
    }
    expect(summary).toMatchObject({ stoppedBy: "forced", claimed: 1, succeeded: 0, lost: 1 });
    expect(await statusOf(result)).toBe(ResultStatus.RUNNING);
  });

  it("a task whose lease ran out while heartbeats failed gets its signal aborted with WorkerLostError, and runs again after rescue", async () => {
    const setup = setUp({ leaseMs: 3_000 });
    const { alias, clock } = setup;
    let down = false;
    configureFailing(setup, 3_000, () => down);
    const reasons: unknown[] = [];
    let calls = 0;
    const watched = task({ name: "lease.watched", backend: alias, takesContext: true, maxAttempts: 2 }, async (context) => {
      if (++calls > 1) return "second run";
      await new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve(), { once: true }));
      reasons.push(context.signal.reason);
      return "first run";
    });
    const result = await watched.enqueue();
    const worker = startWorker({ workerId: "worker-half-open" });
    await eventually("the task runs", () => calls === 1);
    const claimedAt = clock.now().getTime();
    try {
      down = true;
      await advanceBy(clock, 2_500);
      expect(reasons, "aborted before its lease ran out").toEqual([]);
      await advanceUntil(clock, "the task's signal was aborted", () => reasons.length === 1, 250);
    } finally {
      down = false;
    }
    expect(clock.now().getTime() - claimedAt).toBeGreaterThan(3_000);
    expect(reasons[0]).toBeInstanceOf(WorkerLostError);
    expect((reasons[0] as Error).message).toMatch(/could not renew its lease on task "lease\.watched"/);

    await advanceUntil(clock, "the task was rescued and ran again", async () => (await statusOf(result)) === ResultStatus.SUCCESSFUL);
    expect(result.returnValue).toBe("second run");
    expect(result.errors.map((error) => error.className)).toEqual(["WorkerLostError"]);
    worker.stop();
    expect(await runs.at(-1)).toMatchObject({ claimed: 2, succeeded: 1, lost: 1 });
  });
}
