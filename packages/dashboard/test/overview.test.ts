import { afterEach, describe, expect, it } from "vitest";
import { memoryBackend } from "@tasks/backend-memory";
import { resetTasksConfiguration, schedule, task, unregisterSchedules, unregisterTasks } from "@tasks/core";
import { configure, dashboard, get } from "./fixture.js";

describe("overview schedules", () => {
  afterEach(() => {
    resetTasksConfiguration();
    unregisterSchedules();
    unregisterTasks();
  });

  it("lists schedules and flags one whose occurrence no worker has enqueued as overdue", async () => {
    const backend = memoryBackend();
    configure(backend);
    const cleanup = task({ name: "<i>cleanup</i>" }, async () => undefined);
    schedule(cleanup, { name: "cleanup-every-minute", cron: "* * * * *" });
    schedule(cleanup, { name: "cleanup-hourly", cron: "0 * * * *" });
    // A worker settled the first schedule 10 minutes ago and none has run since.
    await backend.registerSchedules({ backend: "default", now: new Date(Date.now() - 10 * 60_000), names: ["cleanup-every-minute"] });
    const page = await get(dashboard(), "/");
    expect(page.body).toMatch(/data-testid="schedule-row" data-schedule="cleanup-every-minute"/);
    expect(page.body).toMatch(/data-testid="schedule-row" data-schedule="cleanup-hourly"/);
    expect(page.body).toMatch(/data-testid="overdue-schedule" data-schedule="cleanup-every-minute"><code>cleanup-every-minute<\/code> \(&lt;i&gt;cleanup&lt;\/i&gt;\) due since/);
    expect(page.body).not.toContain('data-testid="overdue-schedule" data-schedule="cleanup-hourly"');
    const api = JSON.parse((await get(dashboard(), "/api/overview")).body);
    expect(api.backends[0].health.overdueSchedules.map((entry: { name: string }) => entry.name)).toEqual(["cleanup-every-minute"]);
  });
});
