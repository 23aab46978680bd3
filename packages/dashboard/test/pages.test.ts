import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryBackend } from "@tasks/backend-memory";
import { resetTasksConfiguration, unregisterTasks } from "@tasks/core";
import { configure, dashboard, EVIL_ARG, EVIL_MESSAGE, EVIL_NAME, EVIL_QUEUE, get, rowIds, seed, type Seeded } from "./fixture.js";

describe("dashboard pages on the memory backend", () => {
  let seeded: Seeded;
  beforeEach(async () => {
    configure(memoryBackend());
    seeded = await seed();
  });
  afterEach(() => {
    resetTasksConfiguration();
    unregisterTasks();
  });

  it("shows counts per queue and status, throughput and the worker-less state on the overview", async () => {
    const page = await get(dashboard(), "/");
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/data-testid="count" data-backend="default" data-queue="mail" data-status="SUCCESSFUL"><a [^>]*>3</);
    expect(page.body).toMatch(/data-testid="count" data-backend="default" data-queue="reports" data-status="READY"><a [^>]*>2</);
    expect(page.body).toMatch(/data-testid="throughput-default" data-total="4"/);
    expect(page.body).toContain('data-testid="throughput-default-FAILED"');
    expect(page.body).toContain("<svg");
  });

  it("lists tasks, filtered by status, queue, task name and argument value", async () => {
    const handler = dashboard();
    expect(rowIds((await get(handler, "/tasks")).body).sort()).toEqual([...seeded.successfulIds, seeded.failedId, ...seeded.readyIds].sort());
    expect(rowIds((await get(handler, "/tasks?status=READY")).body).sort()).toEqual([...seeded.readyIds].sort());
    expect(rowIds((await get(handler, "/tasks?queue=mail&status=SUCCESSFUL,FAILED")).body).sort()).toEqual([...seeded.successfulIds].sort());
    expect(rowIds((await get(handler, `/tasks?task=${encodeURIComponent(EVIL_NAME)}`)).body)).toEqual([seeded.failedId]);
    expect(rowIds((await get(handler, "/tasks?arg=b%40example.com")).body)).toEqual([seeded.successfulIds[1]]);
    expect(rowIds((await get(handler, "/tasks?arg=2")).body)).toEqual([seeded.readyIds[1]]);
    expect(rowIds((await get(handler, `/tasks?id=${seeded.failedId}`)).body)).toEqual([seeded.failedId]);
  });

  it("shows a task's error with its stack, arguments and timeline", async () => {
    const page = await get(dashboard(), `/tasks/${seeded.failedId}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<pre data-testid="error-stack">Error: &lt;script&gt;alert\(&#39;err&#39;\)&lt;\/script&gt; &amp; more\n\s+at /);
    expect(page.body).toContain('data-testid="timeline-finished"');
    expect(page.body).toContain("worker-one");
  });

  it("escapes a script argument, an HTML task name, queue name and error message on every page", async () => {
    const handler = dashboard();
    for (const path of ["/", "/tasks", `/tasks/${seeded.failedId}`]) {
      const page = await get(handler, path);
      expect(page.status, path).toBe(200);
      for (const evil of [EVIL_NAME, EVIL_QUEUE, EVIL_ARG, EVIL_MESSAGE]) expect(page.body, `${path} ${evil}`).not.toContain(evil);
      expect(page.body).not.toMatch(/<script|<img|<b>/);
    }
    const detail = (await get(handler, `/tasks/${seeded.failedId}`)).body;
    expect(detail).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(detail).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(detail).toContain("&lt;b&gt;queue&lt;/b&gt;");
  });

  it("sends the security headers with every page", async () => {
    const page = await get(dashboard(), "/tasks");
    expect(page.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
  });
});
