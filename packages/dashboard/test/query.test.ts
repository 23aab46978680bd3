import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { immediateBackend, memoryBackend } from "@tasks/backend-memory";
import { resetTasksConfiguration, task, unregisterTasks, Worker } from "@tasks/core";
import { configure, dashboard, get, rowIds } from "./fixture.js";

describe("task list paging, sorting and bad input", () => {
  let ids: string[];
  beforeEach(async () => {
    configure(memoryBackend(), { other: immediateBackend() });
    const job = task({ name: "jobs.count" }, async (n: number) => n * 2);
    ids = [];
    for (let n = 0; n < 7; n++) ids.push((await job.enqueue(n)).id);
    await new Worker({ batch: true, concurrency: 1 }).run();
  });
  afterEach(() => {
    resetTasksConfiguration();
    unregisterTasks();
  });

  async function walk(handler: ReturnType<typeof dashboard>, first: string): Promise<string[]> {
    const seen: string[] = [];
    let path: string | null = first;
    for (let pages = 0; path !== null && pages < 10; pages++) {
      const page = await get(handler, path);
      expect(page.status).toBe(200);
      seen.push(...rowIds(page.body));
      const next = /data-testid="next-page" href="([^"]+)"|href="([^"]+)" data-testid="next-page"/.exec(page.body);
      path = next ? (next[1] ?? next[2]!).replaceAll("&amp;", "&") : null;
    }
    return seen;
  }

  it("pages with the cursor in the link, each task once, in enqueue or finish order, both directions", async () => {
    const handler = dashboard({ pageSize: 3 });
    expect(await walk(handler, "/tasks")).toEqual([...ids].reverse());
    expect(await walk(handler, "/tasks?dir=asc")).toEqual(ids);
    // concurrency 1 finishes them in enqueue order
    expect(await walk(handler, "/tasks?order=finished&dir=asc")).toEqual(ids);
    const first = await get(handler, "/tasks?dir=asc");
    expect(first.body).toMatch(/href="\/tasks\?backend=default&amp;order=enqueued&amp;dir=asc&amp;cursor=[A-Za-z0-9_-]+" data-testid="next-page"/);
  });

  it("filters by time range", async () => {
    const handler = dashboard();
    expect(rowIds((await get(handler, "/tasks?from=2000-01-01&until=2001-01-01")).body)).toEqual([]);
    expect(rowIds((await get(handler, `/tasks?from=2000-01-01T00:00&until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body)).toHaveLength(7);
  });

  it("answers 400 naming the parameter and the fix for every bad query value", async () => {
    const handler = dashboard();
    const cases: [string, string, string][] = [
      ["/tasks?status=DONE", "status", '"DONE" is not a status; use one or more of READY, RUNNING, SUCCESSFUL, FAILED, CANCELLED'],
      ["/tasks?from=yesterday", "from", '"yesterday" is not a date; use ISO 8601 such as 2026-01-31'],
      ["/tasks?until=2026-13-45", "until", "\"2026-13-45\" is not a date"],
      ["/tasks?from=2026-02-01&until=2026-01-01", "until", 'must be after "from"'],
      ["/tasks?cursor=not-a-cursor", "cursor", 'is not a cursor from this dashboard; follow the "Next page" link'],
      ["/tasks?id=123", "id", '"123" is not a task id; task ids are UUIDs'],
      ["/tasks?order=name", "order", 'must be "enqueued" or "finished"'],
      ["/tasks?dir=up", "dir", 'must be "asc" or "desc"'],
      ["/tasks?backend=nope", "backend", '"nope" is not a backend alias shown here; use one of "default"'],
      ["/tasks?backend=other", "backend", 'backend "other" (immediate) has no browse support'],
      ["/tasks/not-an-id", "id", '"not-an-id" is not a task id'],
      ["/api/tasks?status=nope", "status", "\\\"NOPE\\\" is not a status"],
    ];
    for (const [path, parameter, message] of cases) {
      const page = await get(handler, path);
      expect(page.status, path).toBe(400);
      expect(page.body.replaceAll("&quot;", '"'), path).toContain(`${parameter}: ${message}`);
    }
    const api = await get(handler, "/api/tasks?dir=up");
    expect(JSON.parse(api.body)).toEqual({ error: { status: 400, title: 'Bad parameter "dir"', message: 'dir: must be "asc" or "desc" (got "up").', parameter: "dir" } });
    const cursor = Buffer.from(JSON.stringify({ i: ids[0], f: null })).toString("base64url");
    expect((await get(handler, `/tasks?order=finished&cursor=${cursor}`)).body).toContain("belongs to a list in enqueue order");
  });

  it("explains a backend without browse support on the overview", async () => {
    const page = await get(dashboard(), "/");
    expect(page.body).toMatch(/data-backend="other">[^]*data-testid="no-browse">No browse support/);
  });
});
