import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryBackend } from "@tasks/backend-memory";
import { getTaskResult, resetTasksConfiguration, unregisterTasks } from "@tasks/core";
import { configure, csrfFrom, dashboard, get, ORIGIN, postForm, seed, type LogLine, type Seeded } from "./fixture.js";
import type { DashboardActionEvent } from "../src/index.js";

/** One secret for the dashboards these tests compare, so they do not depend on the default (random per process). */
const SECRET = "a-secret-shared-by-the-test-dashboards";

describe("dashboard actions", () => {
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

  const actionLogs = () => logs.filter((line) => line.message === "dashboard action").map((line) => line.fields);

  it("retries a FAILED task after the confirm step, as a new READY attempt of the same result, and logs who did it", async () => {
    const events: DashboardActionEvent[] = [];
    const handler = dashboard({ onAction: (event) => void events.push(event) });
    const detail = await get(handler, `/tasks/${seeded.failedId}`);
    expect(detail.body).toContain('data-testid="action-retry"');
    expect(detail.body).not.toContain('data-testid="action-cancel"');
    const confirm = await get(handler, `/tasks/${seeded.failedId}/retry?backend=default`);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('data-testid="confirm"');
    expect((await getTaskResult(seeded.failedId)).status).toBe("FAILED");
    const done = await postForm(handler, `/tasks/${seeded.failedId}/retry`, { _csrf: csrfFrom(confirm.body), backend: "default" });
    expect(done.status).toBe(200);
    expect(done.body).toContain('data-testid="action-count" data-count="1"');
    const retried = await getTaskResult(seeded.failedId);
    expect(retried.status).toBe("READY");
    expect(retried.errors).toHaveLength(1);
    expect(retried.attempts).toBe(1);
    expect(actionLogs()).toEqual([{ user: "alice", action: "retry", backend: "default", ids: [seeded.failedId], count: 1, bulk: false }]);
    expect(events).toEqual([{ user: "alice", action: "retry", backend: "default", ids: [seeded.failedId], count: 1, bulk: false }]);
  });

  it("refuses a POST without the CSRF token, with another user's token, or from another origin, and changes nothing", async () => {
    const handler = dashboard({ secret: SECRET });
    const token = csrfFrom((await get(handler, `/tasks/${seeded.readyIds[0]}/cancel?backend=default`)).body);
    const bobs = csrfFrom((await get(dashboard({ secret: SECRET, authorize: () => ({ name: "bob" }) }), `/tasks/${seeded.readyIds[0]}/cancel?backend=default`)).body);
    expect(bobs).not.toBe(token);
    const attempts = [
      await postForm(handler, `/tasks/${seeded.readyIds[0]}/cancel`, { backend: "default" }),
      await postForm(handler, `/tasks/${seeded.readyIds[0]}/cancel`, { _csrf: bobs, backend: "default" }),
      await postForm(handler, `/tasks/${seeded.readyIds[0]}/cancel`, { _csrf: token, backend: "default" }, { origin: "https://evil.example" }),
      await postForm(handler, `/tasks/${seeded.readyIds[0]}/cancel`, { _csrf: token, backend: "default" }, { "sec-fetch-site": "cross-site" }),
      await postForm(handler, `/tasks/${seeded.readyIds[0]}/cancel`, { _csrf: token, backend: "default" }, { origin: "null" }),
      await postForm(handler, "/bulk/cancel", { _csrf: "x".repeat(43), backend: "default", status: "READY" }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBe(403);
      expect(attempt.body).toMatch(/CSRF|origin|Sec-Fetch-Site/);
    }
    expect((await getTaskResult(seeded.readyIds[0]!)).status).toBe("READY");
    expect(actionLogs()).toEqual([]);
    const ok = await postForm(handler, `/tasks/${seeded.readyIds[0]}/cancel`, { _csrf: token, backend: "default" }, { origin: ORIGIN, "sec-fetch-site": "same-origin" });
    expect(ok.status).toBe(200);
    expect((await getTaskResult(seeded.readyIds[0]!)).status).toBe("CANCELLED");
  });

  it("ties the CSRF token to the session authorize names: a token of another session is refused", async () => {
    const session = (id: string) => dashboard({ secret: SECRET, authorize: () => ({ name: "alice", session: id }) });
    const path = `/tasks/${seeded.readyIds[0]}/cancel`;
    const first = csrfFrom((await get(session("s1"), `${path}?backend=default`)).body);
    expect(csrfFrom((await get(session("s2"), `${path}?backend=default`)).body)).not.toBe(first);
    expect((await postForm(session("s2"), path, { _csrf: first, backend: "default" })).status).toBe(403);
    expect((await getTaskResult(seeded.readyIds[0]!)).status).toBe("READY");
    expect((await postForm(session("s1"), path, { _csrf: first, backend: "default" })).status).toBe(200);
    expect((await getTaskResult(seeded.readyIds[0]!)).status).toBe("CANCELLED");
  });

  it("deletes a finished task and refuses to offer delete for a READY one", async () => {
    const handler = dashboard();
    const id = seeded.successfulIds[0]!;
    const token = csrfFrom((await get(handler, `/tasks/${id}/delete?backend=default`)).body);
    const done = await postForm(handler, `/tasks/${id}/delete`, { _csrf: token, backend: "default" });
    expect(done.body).toContain('data-count="1"');
    expect((await get(handler, `/tasks/${id}`)).status).toBe(404);
    const notFinished = await get(handler, `/tasks/${seeded.readyIds[0]}/delete?backend=default`);
    expect(notFinished.status).toBe(409);
    expect(notFinished.body).toContain("delete applies only to SUCCESSFUL or FAILED or CANCELLED tasks");
    const forced = await postForm(handler, `/tasks/${seeded.readyIds[0]}/delete`, { _csrf: token, backend: "default" });
    expect(forced.body).toContain('data-count="0"');
    expect((await getTaskResult(seeded.readyIds[0]!)).status).toBe("READY");
  });

  it("applies a bulk action to every task the filter selects, in chunks, and shows the count", async () => {
    const handler = dashboard();
    const confirm = await get(handler, "/bulk/delete?backend=default&queue=mail");
    expect(confirm.body).toContain('data-testid="bulk-count" data-count="3"');
    const done = await postForm(handler, "/bulk/delete", { _csrf: csrfFrom(confirm.body), backend: "default", queue: "mail", order: "enqueued", dir: "desc" });
    expect(done.status).toBe(200);
    expect(done.body).toContain('data-testid="action-count" data-count="3"');
    for (const id of seeded.successfulIds) expect((await get(handler, `/tasks/${id}`)).status).toBe(404);
    expect(actionLogs()).toEqual([{ user: "alice", action: "delete", backend: "default", ids: expect.arrayContaining(seeded.successfulIds), count: 3, bulk: true }]);
    // Cancel applies only to READY and RUNNING: the FAILED task of another queue stays.
    const cancel = await get(handler, "/bulk/cancel?backend=default");
    expect(cancel.body).toContain('data-count="2"');
    await postForm(handler, "/bulk/cancel", { _csrf: csrfFrom(cancel.body), backend: "default" });
    for (const id of seeded.readyIds) expect((await getTaskResult(id)).status).toBe("CANCELLED");
    expect((await getTaskResult(seeded.failedId)).status).toBe("FAILED");
  });

  it("refuses a bulk action over the limit with a message, changing nothing", async () => {
    const handler = dashboard({ bulkLimit: 2 });
    const confirm = await get(handler, "/bulk/delete?backend=default");
    expect(confirm.body).toContain('data-testid="bulk-over-limit"');
    expect(confirm.body).toContain("more than 2 tasks");
    expect(confirm.body).not.toContain('data-testid="confirm"');
    const token = csrfFrom((await get(handler, `/tasks/${seeded.failedId}/retry?backend=default`)).body);
    const forced = await postForm(handler, "/bulk/delete", { _csrf: token, backend: "default" });
    expect(forced.status).toBe(400);
    expect((await getTaskResult(seeded.successfulIds[0]!)).status).toBe("SUCCESSFUL");
    expect(actionLogs()).toEqual([]);
  });

  it("read-only: renders no action forms and answers 403 on every action route", async () => {
    const handler = dashboard({ readOnly: true });
    const detail = await get(handler, `/tasks/${seeded.failedId}`);
    expect(detail.status).toBe(200);
    expect(detail.body).not.toMatch(/data-testid="action-|<form method="post"/);
    expect((await get(handler, "/tasks")).body).not.toContain("data-testid=\"bulk-");
    const token = csrfFrom((await get(dashboard(), `/tasks/${seeded.failedId}/retry?backend=default`)).body);
    for (const response of [
      await get(handler, `/tasks/${seeded.failedId}/retry?backend=default`),
      await postForm(handler, `/tasks/${seeded.failedId}/retry`, { _csrf: token, backend: "default" }),
      await get(handler, "/bulk/delete?backend=default"),
      await postForm(handler, "/bulk/delete", { _csrf: token, backend: "default" }),
      await handler(new Request(`${ORIGIN}/api/tasks/${seeded.failedId}/retry`, { method: "POST", headers: { "x-csrf-token": token } })),
    ]) {
      expect(response.status).toBe(403);
    }
    expect((await getTaskResult(seeded.failedId)).status).toBe("FAILED");
  });

  it("answers 401 when authorize returns null, before reading anything, and refuses to be created without authorize", async () => {
    let calls = 0;
    const handler = dashboard({ authorize: () => (calls++, null) });
    for (const path of ["/", "/tasks", `/tasks/${seeded.failedId}`, "/api/overview"]) {
      const page = await get(handler, path);
      expect(page.status, path).toBe(401);
      expect(page.body).not.toContain("emails.send");
    }
    expect(calls).toBe(4);
    const { createDashboard } = await import("../src/index.js");
    expect(() => createDashboard({} as never)).toThrow("createDashboard() needs an `authorize(request)` function");
    expect(() => createDashboard({ authorize: () => null, secret: "short" })).toThrow("`secret` must be a string or Uint8Array of at least 16");
  });
});
