import { describe, expect, it } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord } from "@tasks/core/backend";
import { memoryBackend } from "../src/index.js";

const now = new Date(Date.UTC(2030, 0, 1));

function newTask(queueName: string, args: NewTaskRecord["args"] = []): NewTaskRecord {
  return { id: newTaskId(now.getTime()), taskName: "browse.task", queueName, priority: 0, args, runAfter: null, maxAttempts: 1, identityHash: identityHash("browse.task", args), uniqueKey: null, scheduledFor: null, traceContext: null };
}

// What only the memory backend can get wrong: sharing stored objects, and the wake-up hint.
describe("memory backend browse operations", () => {
  it("hands out copies: changing a listed or retried record never changes what is stored", async () => {
    const backend = memoryBackend();
    const [outcome] = await backend.enqueue({ backend: "default", now, tasks: [newTask("a", [{ nested: ["x"] }])] });
    const id = outcome!.record.id;
    const page = await backend.listTasks({ backend: "default", filter: {}, order: "enqueued", direction: "asc", limit: 10 });
    const listed = page.tasks[0]!;
    (listed.args as unknown as { nested: string[] }[])[0]!.nested.push("changed");
    listed.enqueuedAt.setTime(0);
    listed.workerIds.push("intruder");
    await backend.cancel({ backend: "default", now, id });
    const [retried] = await backend.retryTasks({ backend: "default", now, ids: [id] });
    (retried!.args as unknown as { nested: string[] }[])[0]!.nested.length = 0;
    expect(await backend.get({ backend: "default", id })).toMatchObject({ args: [{ nested: ["x"] }], enqueuedAt: now, workerIds: [], status: "READY" });
  });

  it("wakes onTasksAvailable listeners for the queues of retried tasks only", async () => {
    const backend = memoryBackend();
    const outcomes = await backend.enqueue({ backend: "default", now, tasks: [newTask("a"), newTask("b")] });
    const [first, second] = outcomes.map((outcome) => outcome.record.id);
    await backend.cancel({ backend: "default", now, id: first! });
    const heard: string[] = [];
    backend.onTasksAvailable((queueName) => heard.push(queueName));
    await backend.retryTasks({ backend: "default", now, ids: [first!, second!] });
    await Promise.resolve();
    expect(heard).toEqual(["a"]);
    await backend.retryTasks({ backend: "default", now, ids: [second!] });
    await Promise.resolve();
    expect(heard).toEqual(["a"]);
  });
});
