/** Worker tests: a worker claims only the task names it registered (rolling deploys). */
import { ResultStatus, task, taskHealth, unregisterTasks, Worker } from "@tasks/core";
import { expect, it } from "vitest";
import type { WorkerTestContext } from "./worker-context.js";
import { advanceUntil, eventually } from "./worker-helpers.js";

const OLD_TYPE = "deploy.old-type";
const NEW_TYPE = "deploy.new-type";

/** Registers the task-name tests. */
export function taskNameWorkerTests(context: WorkerTestContext): void {
  const { setUp, startWorker, statusOf } = context;

  it("a worker that registers only task A drains A and leaves task B READY, untouched, until a worker that registers B runs it", async () => {
    const { alias } = setUp();
    const ranOld: number[] = [];
    const oldType = task({ name: OLD_TYPE, backend: alias }, (n: number) => void ranOld.push(n));
    const defineNewType = (ran: number[]) => task({ name: NEW_TYPE, backend: alias, maxAttempts: 5 }, (n: number) => void ran.push(n));
    // Enqueued by the newly deployed code, ahead of everything the old workers know.
    const newTask = await defineNewType([]).enqueue(1);
    await oldType.enqueueMany([[1], [2], [3]]);
    // From here on this process is an old worker: it has never heard of the new type.
    unregisterTasks(NEW_TYPE);

    const oldRun = await new Worker({ backend: alias, queues: "*", batch: true, workerId: "worker-old" }).run();
    expect(oldRun).toMatchObject({ claimed: 3, succeeded: 3, failed: 0, retried: 0 });
    expect(ranOld.sort()).toEqual([1, 2, 3]);
    expect(await newTask.refresh()).toMatchObject({ status: ResultStatus.READY, attempts: 0, errors: [], workerIds: [], startedAt: null });
    const health = await taskHealth({ backend: alias });
    expect(health.workers.map((worker) => [worker.workerId, worker.taskNames])).toEqual([["worker-old", [OLD_TYPE]]]);
    expect(health.unrunnable).toEqual([{ taskName: NEW_TYPE, queueName: "default", count: 1 }]);

    const ranNew: number[] = [];
    defineNewType(ranNew);
    const newRun = await new Worker({ backend: alias, queues: "*", batch: true, workerId: "worker-new" }).run();
    expect(newRun).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(ranNew).toEqual([1]);
    expect(await newTask.refresh()).toMatchObject({ status: ResultStatus.SUCCESSFUL, attempts: 1, workerIds: ["worker-new"] });
    expect((await taskHealth({ backend: alias })).unrunnable).toEqual([]);
  });

  it("a running worker picks up tasks registered after it started, in its claims and its heartbeats", async () => {
    const { alias, clock } = setUp();
    task({ name: OLD_TYPE, backend: alias }, () => null);
    const late = task({ name: NEW_TYPE, backend: alias }, (n: number) => n * 2);
    const result = await late.enqueue(21);
    unregisterTasks(NEW_TYPE);
    startWorker({ workerId: "worker-growing" });
    const reported = async () => (await taskHealth({ backend: alias })).workers.find((worker) => worker.workerId === "worker-growing")?.taskNames;
    await eventually("the worker reported its task names", async () => (await reported()) !== undefined);
    await clock.advance(5_000);
    expect(await statusOf(result)).toBe(ResultStatus.READY);
    expect(result.attempts).toBe(0);
    expect(await reported()).toEqual([OLD_TYPE]);

    task({ name: NEW_TYPE, backend: alias }, (n: number) => n * 2);
    await advanceUntil(clock, "the late task ran", async () => (await statusOf(result)) === ResultStatus.SUCCESSFUL);
    expect(result.returnValue).toBe(42);
    await advanceUntil(clock, "a heartbeat reported the new name", async () => (await reported())?.length === 2);
    expect(await reported()).toEqual([NEW_TYPE, OLD_TYPE].sort());
  });
}
