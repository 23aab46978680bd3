import { describe, expect, it } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord, type TaskRecord } from "@tasks/core/backend";
import { memoryBackend } from "../src/index.js";

const alias = "default";
const now = new Date(Date.UTC(2030, 0, 1));

function newTask(args: NewTaskRecord["args"]): NewTaskRecord {
  return {
    id: newTaskId(now.getTime()),
    taskName: "copies.task",
    queueName: "default",
    priority: 0,
    args,
    runAfter: new Date(now.getTime()),
    maxAttempts: 2,
    identityHash: identityHash("copies.task", args),
    uniqueKey: null,
    scheduledFor: null,
    traceContext: null,
  };
}

describe("memory backend copies", () => {
  it("does not keep the caller's objects: mutating the input after enqueue changes nothing", async () => {
    const backend = memoryBackend();
    const input = newTask([{ nested: { list: [1, 2] } }]);
    await backend.enqueue({ backend: alias, now, tasks: [input] });
    ((input.args[0] as { nested: { list: number[] } }).nested.list).push(3);
    input.runAfter?.setTime(0);
    const stored = await backend.get({ backend: alias, id: input.id });
    expect(stored?.args).toEqual([{ nested: { list: [1, 2] } }]);
    expect(stored?.runAfter?.getTime()).toBe(now.getTime());
  });

  it("hands out copies: mutating any returned record changes nothing stored", async () => {
    const backend = memoryBackend();
    const input = newTask([{ a: 1 }]);
    const [outcome] = await backend.enqueue({ backend: alias, now, tasks: [input] });
    const mutate = (record: TaskRecord | null | undefined) => {
      if (!record) throw new Error("expected a record");
      (record.args[0] as { a: number }).a = 99;
      record.workerIds.push("intruder");
      record.errors.push({ className: "X", message: "y", stack: "" });
      record.enqueuedAt.setTime(0);
      (record as { status: string }).status = "FAILED";
    };
    mutate(outcome?.record);
    const [claimed] = await backend.claim({ backend: alias, now, workerId: "w1", queues: { include: "*", exclude: [] }, limit: 1, leaseMs: 1000 });
    mutate(claimed);
    claimed?.leaseExpiresAt?.setTime(0);
    const stored = await backend.get({ backend: alias, id: input.id });
    mutate(stored);
    const fresh = await backend.get({ backend: alias, id: input.id });
    expect(fresh?.args).toEqual([{ a: 1 }]);
    expect(fresh?.workerIds).toEqual(["w1"]);
    expect(fresh?.errors).toEqual([]);
    expect(fresh?.status).toBe("RUNNING");
    expect(fresh?.enqueuedAt.getTime()).toBe(now.getTime());
    expect(fresh?.leaseExpiresAt?.getTime()).toBe(now.getTime() + 1000);
    expect(backend.results[0]?.args).toEqual([{ a: 1 }]);
  });

  it("copies outcomes on completion: the caller's return value and error objects stay theirs", async () => {
    const backend = memoryBackend();
    const input = newTask([]);
    await backend.enqueue({ backend: alias, now, tasks: [input] });
    await backend.claim({ backend: alias, now, workerId: "w1", queues: { include: "*", exclude: [] }, limit: 1, leaseMs: 1000 });
    const error = { className: "Error", message: "boom", stack: "at x" };
    const runAfter = new Date(now.getTime() + 5000);
    await backend.complete({ backend: alias, now, completions: [{ id: input.id, attempt: 1, outcome: { status: "READY", error, runAfter } }] });
    (error as { message: string }).message = "changed";
    runAfter.setTime(0);
    const stored = await backend.get({ backend: alias, id: input.id });
    expect(stored?.errors).toEqual([{ className: "Error", message: "boom", stack: "at x" }]);
    expect(stored?.runAfter?.getTime()).toBe(now.getTime() + 5000);
  });

  it("keeps its own trace context: the caller's object can change after enqueue, and no returned one can be changed", async () => {
    const backend = memoryBackend();
    const traceContext: Record<string, string> = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
    const input = { ...newTask([]), traceContext };
    const [outcome] = await backend.enqueue({ backend: alias, now, tasks: [input] });
    traceContext.traceparent = "changed";
    traceContext.extra = "added";
    const [claimed] = await backend.claim({ backend: alias, now, workerId: "w1", queues: { include: "*", exclude: [] }, limit: 1, leaseMs: 1000 });
    for (const record of [outcome?.record, claimed]) {
      expect(() => {
        (record?.traceContext as Record<string, string>).traceparent = "mutated";
      }).toThrow(TypeError);
    }
    const stored = await backend.get({ backend: alias, id: input.id });
    expect(stored?.traceContext).toEqual({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
  });
});
