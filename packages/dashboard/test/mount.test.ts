import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryBackend } from "@tasks/backend-memory";
import { getTaskResult, resetTasksConfiguration, unregisterTasks } from "@tasks/core";
import { serveDashboard, toNodeHandler, TOKEN_COOKIE, type RunningDashboard } from "../src/index.js";
import { configure, csrfFrom, dashboard, get, seed, type Seeded } from "./fixture.js";

const TOKEN = "test-token-0123456789abcdef";

describe("mounting", () => {
  let seeded: Seeded;
  let running: RunningDashboard | null = null;
  beforeEach(async () => {
    configure(memoryBackend());
    seeded = await seed();
  });
  afterEach(async () => {
    await running?.close();
    running = null;
    resetTasksConfiguration();
    unregisterTasks();
  });

  it("serves under a base path with every link and form carrying the prefix, and 404 outside it", async () => {
    const handler = dashboard({ basePath: "/admin/tasks/" });
    const overview = await get(handler, "/admin/tasks");
    expect(overview.status).toBe(200);
    const list = await get(handler, "/admin/tasks/tasks");
    const detail = await get(handler, `/admin/tasks/tasks/${seeded.failedId}`);
    for (const page of [overview, list, detail]) {
      const targets = [...page.body.matchAll(/(?:href|action)="([^"]+)"/g)].map((match) => match[1]!);
      expect(targets.length).toBeGreaterThan(1);
      for (const target of targets) expect(target).toMatch(/^\/admin\/tasks\//);
    }
    expect(rowsOf(list.body)).toBe(6);
    expect((await get(handler, "/tasks")).status).toBe(404);
    expect((await get(handler, "/admin/tasksx")).status).toBe(404);
  });

  it("runs on node:http through toNodeHandler, form POST included", async () => {
    const server = createServer(toNodeHandler(dashboard({ basePath: "/ops" })));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops`;
      const confirm = await fetch(`${base}/tasks/${seeded.failedId}/retry?backend=default`);
      expect(confirm.status).toBe(200);
      expect(confirm.headers.get("content-security-policy")).toContain("default-src 'none'");
      const done = await fetch(`${base}/tasks/${seeded.failedId}/retry`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrfFrom(await confirm.text()), backend: "default" }),
      });
      expect(done.status).toBe(200);
      expect((await getTaskResult(seeded.failedId)).status).toBe("READY");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("serveDashboard binds 127.0.0.1 and refuses every request without the token; Bearer, ?token= (cookie + redirect) and the cookie let in", async () => {
    running = await serveDashboard({ token: TOKEN, port: 0 });
    const address = running.server.address() as AddressInfo;
    expect(address.address).toBe("127.0.0.1");
    expect(running.url).toBe(`http://127.0.0.1:${address.port}/`);
    for (const path of ["", "tasks", `tasks/${seeded.failedId}`, "api/overview"]) {
      expect((await fetch(`${running.url}${path}`)).status, path).toBe(401);
    }
    expect((await fetch(running.url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await fetch(`${running.url}?token=wrong-token-0123456789`, { redirect: "manual" })).status).toBe(401);
    const bearer = await fetch(`${running.url}tasks`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    expect(rowsOf(await bearer.text())).toBe(6);

    const visit = await fetch(`${running.url}tasks?status=FAILED&token=${TOKEN}`, { redirect: "manual" });
    expect(visit.status).toBe(303);
    expect(visit.headers.get("location")).toBe("/tasks?status=FAILED");
    const cookie = visit.headers.get("set-cookie")!;
    expect(cookie).toBe(`${TOKEN_COOKIE}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`);
    const withCookie = await fetch(`${running.url}tasks?status=FAILED`, { headers: { cookie: cookie.split(";")[0]! } });
    expect(withCookie.status).toBe(200);
    expect(rowsOf(await withCookie.text())).toBe(1);
  });

  it("serveDashboard refuses to start without a long enough token", async () => {
    await expect(serveDashboard({ port: 0 } as never)).rejects.toThrow("serveDashboard() needs a `token` of at least 16 characters (got none)");
    await expect(serveDashboard({ token: "short", port: 0 })).rejects.toThrow("(got 5)");
  });
});

function rowsOf(body: string): number {
  return body.split('data-testid="task-row"').length - 1;
}
