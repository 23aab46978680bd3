import { describe, expect, it } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord } from "@tasks/core/backend";
import { memoryBackend } from "../src/index.js";

const now = new Date(Date.UTC(2030, 0, 1));

function newTask(queueName: string, uniqueKey: string | null = null): NewTaskRecord {
  return { id: newTaskId(now.getTime()), taskName: "notify.task", queueName, priority: 0, args: [], runAfter: null, maxAttempts: 1, identityHash: identityHash("notify.task", []), uniqueKey, scheduledFor: null, traceContext: null };
}

describe("memory backend onTasksAvailable", () => {
  it("calls listeners once per queue after enqueue returns, never for a unique hit, until unsubscribed", async () => {
    const backend = memoryBackend();
    const heard: string[] = [];
    const unsubscribe = backend.onTasksAvailable((queueName) => heard.push(queueName));
    const pending = backend.enqueue({ backend: "default", now, tasks: [newTask("a", "k"), newTask("a"), newTask("b")] });
    expect(heard).toEqual([]); // delivered in a microtask, never synchronously inside enqueue
    await pending;
    await Promise.resolve();
    expect(heard.sort()).toEqual(["a", "b"]);
    heard.length = 0;
    await backend.enqueue({ backend: "default", now, tasks: [newTask("c", "k")] });
    await Promise.resolve();
    expect(heard).toEqual([]);
    unsubscribe();
    await backend.enqueue({ backend: "default", now, tasks: [newTask("d")] });
    await Promise.resolve();
    expect(heard).toEqual([]);
  });

  it("keeps notifying the other listeners when one throws", async () => {
    const backend = memoryBackend();
    const heard: string[] = [];
    backend.onTasksAvailable(() => {
      throw new Error("listener bug");
    });
    backend.onTasksAvailable((queueName) => heard.push(queueName));
    await backend.enqueue({ backend: "default", now, tasks: [newTask("a")] });
    await Promise.resolve();
    expect(heard).toEqual(["a"]);
  });

  it("rejects a claim limit below 1 with a clear sentence", async () => {
    const backend = memoryBackend();
    await expect(
      backend.claim({ backend: "default", now, workerId: "w", queues: { include: "*", exclude: [] }, limit: 0, leaseMs: 1000 }),
    ).rejects.toThrow('claim(): "limit" must be a whole number ≥ 1 (got 0).');
  });
});
