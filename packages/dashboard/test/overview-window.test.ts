/**
 * The overview's queue table counts READY and RUNNING tasks now and finished tasks over the
 * last hour only (from the throughput counts), on the memory backend and on a SQLite file:
 * a task that finished two hours ago (under a TestClock) is not counted, one that finished
 * now is, and a queue holding only tasks finished in the hour still has its row.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { memoryBackend } from "@tasks/backend-memory";
import { sqliteBackend } from "@tasks/backend-drizzle/sqlite";
import { configureTasks, resetTasksConfiguration, silentLogger, task, TestClock, unregisterTasks, Worker, type TaskBackend } from "@tasks/core";
import { dashboard, get } from "./fixture.js";

const HOUR_MS = 60 * 60 * 1000;
/** "Now" in the test: a whole minute, the edge case of the overview's window (which ends at the end of the current minute). */
const START = Date.UTC(2030, 0, 1, 12, 0, 0);
/** Where that window starts: one hour before the end of the minute of START. */
const WINDOW_START = new Date(START + 60_000 - HOUR_MS);

interface Store {
  readonly backend: TaskBackend;
  close(): Promise<void>;
}

const stores: Record<string, () => Promise<Store>> = {
  memory: async () => ({ backend: memoryBackend(), close: async () => undefined }),
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), "tasks-dashboard-window-"));
    const backend = sqliteBackend({ path: join(dir, "tasks.db") });
    await backend.migrate();
    return {
      backend,
      close: async () => {
        await backend.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** The text of the count cell for a queue and status, and its link (ampersands decoded). */
function cell(body: string, queue: string, status: string): { text: string; href: string } | null {
  const match = new RegExp(`data-testid="count" data-backend="default" data-queue="${queue}" data-status="${status}"[^>]*><a href="([^"]+)">(\\d+)<`).exec(body);
  return match ? { href: match[1]!.replaceAll("&amp;", "&"), text: match[2]! } : null;
}

describe.each(Object.keys(stores))("overview counts finished tasks over the last hour (%s)", (kind) => {
  let store: Store | undefined;
  afterEach(async () => {
    resetTasksConfiguration();
    unregisterTasks();
    await store?.close();
    store = undefined;
  });

  it("counts a task finished now, not one finished two hours ago, and keeps queues with only finished tasks", async () => {
    store = await stores[kind]!();
    const clock = new TestClock(START - 2 * HOUR_MS);
    configureTasks({ backends: { default: { backend: store.backend, queues: [] } }, logger: silentLogger, clock });
    const send = task({ name: "window.send", queueName: "mail" }, async (to: string) => `sent to ${to}`);
    const fail = task({ name: "window.fail", queueName: "mail", maxAttempts: 1 }, async () => {
      throw new Error("mail server down");
    });
    const archive = task({ name: "window.archive", queueName: "archive" }, async () => "archived");
    const report = task({ name: "window.report", queueName: "reports" }, async (id: number) => id);
    const worker = () => new Worker({ queues: ["mail", "archive"], batch: true, schedules: false, workerId: "window-worker", logger: silentLogger, clock }).run();

    // Two hours ago: two SUCCESSFUL and one FAILED in "mail", one SUCCESSFUL in "archive".
    await send.enqueue("old-1@example.com");
    await send.enqueue("old-2@example.com");
    await fail.enqueue();
    await archive.enqueue();
    expect((await worker()).succeeded).toBe(3);

    await clock.advance(2 * HOUR_MS);
    // Now: one SUCCESSFUL in "mail", and a READY task in "reports" that no worker takes.
    await send.enqueue("new@example.com");
    expect((await worker()).succeeded).toBe(1);
    await report.enqueue(7);

    const handler = dashboard();
    const page = await get(handler, "/");
    expect(page.status).toBe(200);
    const rows = [...page.body.matchAll(/data-testid="queue-row" data-queue="([^"]+)"/g)].map((match) => match[1]);
    // "archive" holds only a task finished two hours ago: no row.
    expect(rows).toEqual(["mail", "reports"]);
    expect(cell(page.body, "mail", "SUCCESSFUL")?.text).toBe("1");
    expect(cell(page.body, "mail", "FAILED")?.text).toBe("0");
    expect(cell(page.body, "mail", "READY")?.text).toBe("0");
    expect(cell(page.body, "reports", "READY")?.text).toBe("1");
    expect(cell(page.body, "reports", "SUCCESSFUL")?.text).toBe("0");
    expect(page.body).toContain("finished in the last hour (since 11:01 UTC)");
    expect(page.body).toMatch(/data-testid="throughput-default" data-total="1"/);

    // The finished count links to that queue's tasks of that status finished since the window start, in finish order.
    const link = new URL(cell(page.body, "mail", "SUCCESSFUL")!.href, "http://dashboard.test");
    expect(Object.fromEntries(link.searchParams)).toEqual({ backend: "default", queue: "mail", status: "SUCCESSFUL", from: WINDOW_START.toISOString(), order: "finished" });
    const listed = await get(handler, `${link.pathname}${link.search}`);
    expect([...listed.body.matchAll(/data-testid="task-row"/g)]).toHaveLength(1);
    expect(listed.body).toContain("new@example.com");
    // A READY count links to the queue's READY tasks, whatever their age.
    expect(cell(page.body, "reports", "READY")!.href).toBe("/tasks?backend=default&queue=reports&status=READY");

    // "All finished tasks" lists every finished task, in finish order (the two-hour-old ones too).
    const all = /<a href="([^"]+)" data-testid="all-finished" data-backend="default">All finished tasks<\/a>/.exec(page.body);
    expect(all?.[1]).toBe("/tasks?backend=default&amp;order=finished");
    const allListed = await get(handler, all![1]!.replaceAll("&amp;", "&"));
    expect([...allListed.body.matchAll(/data-testid="task-row"/g)]).toHaveLength(5);

    const api = JSON.parse((await get(handler, "/api/overview")).body);
    const backend = api.backends[0];
    expect(backend.throughput.since).toBe(WINDOW_START.toISOString());
    expect(backend.queues).toEqual([
      { queueName: "mail", READY: 0, RUNNING: 0, oldestReadyAgeMs: null, finishedInWindow: { SUCCESSFUL: 1, FAILED: 0, CANCELLED: 0 } },
      { queueName: "reports", READY: 1, RUNNING: 0, oldestReadyAgeMs: 0, finishedInWindow: { SUCCESSFUL: 0, FAILED: 0, CANCELLED: 0 } },
    ]);
    // The health report is the live one: no finished counts.
    expect(Object.keys(backend.health.queues)).toEqual(["reports"]);
  });
});
