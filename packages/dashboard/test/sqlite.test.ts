import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqliteBackend, type SqliteBackend } from "@tasks/backend-drizzle/sqlite";
import { getTaskResult, resetTasksConfiguration, unregisterTasks } from "@tasks/core";
import { configure, csrfFrom, dashboard, EVIL_ARG, EVIL_MESSAGE, EVIL_NAME, get, postForm, rowIds, seed, type LogLine, type Seeded } from "./fixture.js";

describe("dashboard on SQLite (a real file)", () => {
  let dir: string;
  let backend: SqliteBackend;
  let seeded: Seeded;
  let logs: LogLine[];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "tasks-dashboard-"));
    backend = sqliteBackend({ path: join(dir, "tasks.db") });
    await backend.migrate();
    logs = configure(backend);
    seeded = await seed();
  });
  afterEach(async () => {
    resetTasksConfiguration();
    unregisterTasks();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows counts, lists with filters and pages, and a task's error stack, escaped", async () => {
    const handler = dashboard({ pageSize: 4 });
    const overview = await get(handler, "/");
    expect(overview.body).toMatch(/data-queue="mail" data-status="SUCCESSFUL"><a [^>]*>3</);
    expect(overview.body).toMatch(/data-testid="throughput-default" data-total="4"/);
    const first = await get(handler, "/tasks?dir=asc");
    const next = /href="([^"]+)" data-testid="next-page"/.exec(first.body)![1]!.replaceAll("&amp;", "&");
    const second = await get(handler, next);
    expect([...rowIds(first.body), ...rowIds(second.body)]).toEqual([...seeded.successfulIds, seeded.failedId, ...seeded.readyIds]);
    expect(rowIds((await get(handler, `/tasks?arg=${encodeURIComponent(EVIL_ARG)}`)).body)).toEqual([seeded.failedId]);
    expect(rowIds((await get(handler, "/tasks?status=READY&queue=reports&dir=asc")).body)).toEqual(seeded.readyIds);
    const detail = await get(handler, `/tasks/${seeded.failedId}`);
    expect(detail.body).toContain('<pre data-testid="error-stack">Error: &lt;script&gt;');
    for (const evil of [EVIL_NAME, EVIL_ARG, EVIL_MESSAGE]) expect(detail.body).not.toContain(evil);
  });

  it("retries, cancels and deletes with the CSRF token, and refuses without it", async () => {
    const handler = dashboard();
    const confirm = await get(handler, `/tasks/${seeded.failedId}/retry?backend=default`);
    expect((await postForm(handler, `/tasks/${seeded.failedId}/retry`, { backend: "default" })).status).toBe(403);
    expect((await getTaskResult(seeded.failedId)).status).toBe("FAILED");
    const token = csrfFrom(confirm.body);
    await postForm(handler, `/tasks/${seeded.failedId}/retry`, { _csrf: token, backend: "default" });
    expect((await getTaskResult(seeded.failedId)).status).toBe("READY");
    const cancel = await postForm(handler, "/bulk/cancel", { _csrf: token, backend: "default", queue: "reports" });
    expect(cancel.body).toContain('data-testid="action-count" data-count="2"');
    const removed = await postForm(handler, "/bulk/delete", { _csrf: token, backend: "default", status: "CANCELLED" });
    expect(removed.body).toContain('data-count="2"');
    for (const id of seeded.readyIds) expect((await get(handler, `/tasks/${id}`)).status).toBe(404);
    expect(logs.filter((line) => line.message === "dashboard action").map((line) => [line.fields?.action, line.fields?.count])).toEqual([
      ["retry", 1],
      ["cancel", 2],
      ["delete", 2],
    ]);
  });
});
