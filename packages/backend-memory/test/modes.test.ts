import { afterEach, describe, expect, it } from "vitest";
import { configureTasks, resetTasksConfiguration, task, unregisterTasks, ResultStatus } from "@tasks/core";
import { MemoryBackend, dummyBackend, immediateBackend, memoryBackend } from "../src/index.js";

afterEach(() => {
  resetTasksConfiguration();
  unregisterTasks();
});

describe("memory backend modes", () => {
  it("worker mode declares full worker semantics", () => {
    const backend = memoryBackend();
    expect(backend.mode).toBe("worker");
    expect(backend.kind).toBe("memory");
    expect(backend.capabilities).toEqual({
      supportsDefer: true,
      supportsPriority: true,
      supportsGetResult: true,
      supportsTransactionalEnqueue: false,
      supportsAtomic: false,
      runsOnEnqueue: false,
      supportsWorkers: true,
      supportsSchedules: true,
      supportsBrowse: true,
    });
  });

  it("dummy mode stores without workers, keeps deferral, and lists and clears results", async () => {
    const backend = dummyBackend();
    expect(backend.capabilities.supportsWorkers).toBe(false);
    expect(backend.capabilities.supportsDefer).toBe(true);
    expect(backend.capabilities.runsOnEnqueue).toBe(false);
    configureTasks({ backends: { default: { backend, queues: [] } } });
    const add = task({ name: "dummy.add" }, (a: number, b: number) => a + b);
    const later = new Date(Date.now() + 60_000);
    const first = await add.enqueue(1, 2);
    const second = await add.using({ runAfter: later }).enqueue(3, 4);
    expect(backend.results.map((result) => result.id)).toEqual([first.id, second.id]);
    expect(backend.results.map((result) => result.status)).toEqual([ResultStatus.READY, ResultStatus.READY]);
    expect(backend.results[1]?.runAfter?.getTime()).toBe(later.getTime());
    expect(backend.results[0]?.args).toEqual([1, 2]);
    backend.clear();
    expect(backend.results).toEqual([]);
    await expect(add.getResult(first.id)).rejects.toThrow(/No task result/);
  });

  it("immediate mode runs the task inside enqueue and refuses runAfter", async () => {
    const backend = immediateBackend();
    expect(backend.capabilities.runsOnEnqueue).toBe(true);
    expect(backend.capabilities.supportsDefer).toBe(false);
    configureTasks({ backends: { default: { backend, queues: [] } } });
    const double = task({ name: "immediate.double" }, (n: number) => n * 2);
    const result = await double.enqueue(21);
    expect(result.status).toBe(ResultStatus.SUCCESSFUL);
    expect(result.returnValue).toBe(42);
    expect(result.workerIds).toEqual(["immediate"]);
    expect(() => double.using({ runAfter: new Date() })).toThrow(/does not support runAfter/);
  });

  it("dummy mode browses stored tasks; immediate mode declares no browsing and refuses each browse call", async () => {
    expect(dummyBackend().capabilities.supportsBrowse).toBe(true);
    const backend = immediateBackend();
    expect(backend.capabilities.supportsBrowse).toBe(false);
    const refusal = /the immediate memory backend does not browse stored tasks \(supportsBrowse is false\); use memoryBackend\(\) or dummyBackend\(\)/;
    const id = "0190f3c2-7b1e-7a00-8c41-5d2b9e6f0a11";
    await expect(backend.listTasks({ backend: "default", filter: {}, order: "enqueued", direction: "desc", limit: 1 })).rejects.toThrow(refusal);
    await expect(backend.retryTasks({ backend: "default", now: new Date(), ids: [id] })).rejects.toThrow(refusal);
    await expect(backend.deleteTasks({ backend: "default", ids: [id] })).rejects.toThrow(refusal);
    await expect(backend.countFinished({ backend: "default", since: new Date(0), until: new Date(60_000), bucketMs: 1000 })).rejects.toThrow(refusal);
  });

  it("rejects an unknown mode with a sentence naming the choices", () => {
    expect(() => new MemoryBackend({ mode: "eager" as never })).toThrow('Unknown memory backend mode "eager"; use "worker", "dummy" or "immediate".');
  });

  it("refuses an application transaction, since it cannot join one", async () => {
    const backend = memoryBackend();
    await expect(backend.enqueue({ backend: "default", now: new Date(), tasks: [], transaction: {} })).rejects.toThrow(
      /cannot enqueue inside an application transaction/,
    );
  });

  it("refuses every call after close", async () => {
    const backend = memoryBackend();
    await backend.close();
    await expect(backend.get({ backend: "default", id: "x" })).rejects.toThrow(/was closed/);
  });
});
