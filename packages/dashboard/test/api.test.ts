import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryBackend } from "@tasks/backend-memory";
import { getTaskResult, resetTasksConfiguration, unregisterTasks } from "@tasks/core";
import { configure, dashboard, EVIL_NAME, get, ORIGIN, seed, type LogLine, type Seeded } from "./fixture.js";

interface ApiError {
  error: { status: number; title: string; message: string; parameter?: string };
}

describe("JSON API", () => {
  let seeded: Seeded;
  let logs: LogLine[];
  beforeEach(async () => {
    logs = configure(memoryBackend());
    seeded = await seed();
  });
  afterEach(() => {
    resetTasksConfiguration();
    unregisterTasks();
  });

  const post = (handler: ReturnType<typeof dashboard>, path: string, headers: Record<string, string>, body?: unknown) =>
    handler(new Request(`${ORIGIN}${path}`, { method: "POST", headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));

  it("serves the overview, a page of tasks with a cursor, and one task", async () => {
    const handler = dashboard({ pageSize: 4 });
    const overview = await get(handler, "/api/overview");
    expect(overview.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = JSON.parse(overview.body);
    expect(body.user).toBe("alice");
    expect(body.csrfToken).toBe(overview.headers.get("x-csrf-token"));
    // Finished counts are those of the last hour, per queue; the health report holds live counts only.
    expect(body.backends[0].queues.find((row: { queueName: string }) => row.queueName === "mail")).toEqual({
      queueName: "mail",
      READY: 0,
      RUNNING: 0,
      oldestReadyAgeMs: null,
      finishedInWindow: { SUCCESSFUL: 3, FAILED: 0, CANCELLED: 0 },
    });
    expect(body.backends[0].health.queues.mail).toBeUndefined();
    expect(body.backends[0].health.queues.reports.READY).toBe(2);
    expect(body.backends[0].readyAgeByQueue).toHaveProperty("reports");

    const first = JSON.parse((await get(handler, "/api/tasks")).body);
    expect(first.tasks).toHaveLength(4);
    expect(typeof first.next).toBe("string");
    const second = JSON.parse((await get(handler, `/api/tasks?cursor=${first.next}`)).body);
    expect(second.next).toBeNull();
    expect([...first.tasks, ...second.tasks].map((entry: { id: string }) => entry.id).sort()).toEqual([...seeded.successfulIds, seeded.failedId, ...seeded.readyIds].sort());

    const one = JSON.parse((await get(handler, `/api/tasks/${seeded.failedId}`)).body);
    expect(one.task).toMatchObject({ id: seeded.failedId, taskName: EVIL_NAME, status: "FAILED" });
    expect(one.task.errors[0].stack).toContain("at ");
    expect(one.task).not.toHaveProperty("leaseExpiresAt");
    expect((await get(handler, "/api/tasks/00000000-0000-7000-8000-000000000000")).status).toBe(404);
  });

  it("acts on one task and in bulk only with the CSRF token in the X-CSRF-Token header", async () => {
    const handler = dashboard();
    const token = (await get(handler, "/api/overview")).headers.get("x-csrf-token")!;
    const refused = await post(handler, `/api/tasks/${seeded.readyIds[0]}/cancel`, {});
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ApiError).error.message).toContain("X-CSRF-Token");
    expect((await getTaskResult(seeded.readyIds[0]!)).status).toBe("READY");

    const cancelled = await post(handler, `/api/tasks/${seeded.readyIds[0]}/cancel?backend=default`, { "x-csrf-token": token });
    expect(await cancelled.json()).toEqual({ action: "cancel", backend: "default", ids: [seeded.readyIds[0]], count: 1, changed: [seeded.readyIds[0]] });
    expect((await getTaskResult(seeded.readyIds[0]!)).status).toBe("CANCELLED");

    const noToken = await post(handler, "/api/bulk", { "content-type": "application/json" }, { action: "retry", status: ["FAILED", "CANCELLED"] });
    expect(noToken.status).toBe(403);
    const bulk = await post(handler, "/api/bulk", { "content-type": "application/json", "x-csrf-token": token }, { action: "retry", backend: "default", status: ["FAILED", "CANCELLED"] });
    expect(await bulk.json()).toEqual({ action: "retry", backend: "default", selected: 2, count: 2 });
    expect((await getTaskResult(seeded.failedId)).status).toBe("READY");
    expect((await getTaskResult(seeded.readyIds[0]!)).status).toBe("READY");
    expect(logs.filter((line) => line.message === "dashboard action").map((line) => line.fields?.action)).toEqual(["cancel", "retry"]);

    const bad = await post(handler, "/api/bulk", { "content-type": "application/json", "x-csrf-token": token }, { action: "explode" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ApiError).error).toMatchObject({ parameter: "action", message: 'action: must be one of retry, cancel, delete (got "explode").' });
    const unknown = await post(handler, "/api/bulk", { "content-type": "application/json", "x-csrf-token": token }, { action: "delete", statuses: ["FAILED"] });
    expect(((await unknown.json()) as ApiError).error.message).toContain("statuses: is not a bulk field");
  });
});
