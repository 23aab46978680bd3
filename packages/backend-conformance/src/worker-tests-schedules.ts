/**
 * Worker tests: periodic tasks on a real backend, on the TestClock. Every worker enqueues the
 * due occurrences of the schedules it declares; the backend settles each occurrence once.
 */
import { ResultStatus, schedule, scheduleOverview, task, taskEvents, taskHealth, unregisterTasks, type TaskContext, type TaskResult } from "@tasks/core";
import { expect, it, type TestContext } from "vitest";
import type { WorkerTestContext, WorkerTestSetup } from "./worker-context.js";
import { advanceBy, eventually } from "./worker-helpers.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The tasks enqueued on `alias` from now on (by any worker of this process), in order. */
function recordEnqueued(alias: string): TaskResult[] {
  const seen: TaskResult[] = [];
  taskEvents.on("taskEnqueued", ({ result }) => {
    if (result.backend === alias) seen.push(result);
  });
  return seen;
}

/** Every task stored on the alias, counted by the backend (all statuses). */
async function storedCount(alias: string): Promise<number> {
  const { queues } = await taskHealth({ backend: alias });
  return Object.values(queues).reduce((sum, counts) => sum + Object.values(counts).reduce((a, b) => a + b, 0), 0);
}

/** Skips (with the reason) on a backend that cannot store schedules. */
function needsSchedules(setup: WorkerTestSetup, test: TestContext): void {
  if (!setup.backend.capabilities.supportsSchedules) test.skip("the backend does not store schedules (capabilities.supportsSchedules is false)");
}

/** Waits (in real time, the clock still) until a worker has stored the state of `count` schedules: they start settled through now. */
async function untilRegistered(setup: WorkerTestSetup, count: number): Promise<void> {
  await eventually(`${count} schedule(s) are stored`, async () => (await setup.backend.listSchedules!({ backend: setup.alias })).length === count);
}

const isoOf = (dates: readonly (Date | null)[]) => dates.map((date) => date?.toISOString() ?? null);

/** Registers the schedule tests. */
export function scheduleWorkerTests(context: WorkerTestContext): void {
  const { setUp, startWorker } = context;

  it("five workers racing enqueue each occurrence exactly once, and each task sees its occurrence in its context", async (test) => {
    const setup = setUp();
    needsSchedules(setup, test);
    const { alias, clock } = setup;
    const start = clock.now().getTime();
    const ran: (Date | null)[] = [];
    const tick = task({ name: "schedules.tick", backend: alias, takesContext: true }, (context: TaskContext) => void ran.push(context.scheduledFor));
    schedule(tick, { cron: "*/10 * * * * *" });
    const enqueued = recordEnqueued(alias);
    for (let n = 0; n < 5; n++) startWorker({ workerId: `racer-${n}` });
    await untilRegistered(setup, 1);
    await advanceBy(clock, 2 * MINUTE, 1_000);
    const expected = Array.from({ length: 12 }, (_, n) => new Date(start + (n + 1) * 10_000).toISOString());
    await eventually("every occurrence ran", () => ran.length >= 12);
    expect(await storedCount(alias)).toBe(12);
    expect(isoOf(enqueued.map((result) => result.scheduledFor)).sort()).toEqual(expected);
    expect(isoOf(ran).sort()).toEqual(expected);
    for (const result of enqueued) expect((await result.refresh()).status).toBe(ResultStatus.SUCCESSFUL);
    const [state] = await setup.backend.listSchedules!({ backend: alias });
    expect(state).toMatchObject({ name: "schedules.tick", lastEnqueuedFor: new Date(start + 120_000) });
  });

  it("missed runs after an outage: latest runs the most recent once, all backfills, none skips; then all run on time", async (test) => {
    const setup = setUp();
    needsSchedules(setup, test);
    const { alias, clock } = setup;
    const start = clock.now().getTime();
    const hourly = task({ name: "schedules.hourly", backend: alias }, (policy: string) => policy);
    for (const missed of ["latest", "all", "none"] as const) schedule(hourly, { name: `hourly.${missed}`, cron: "0 * * * *", missed, args: [missed] });
    const enqueued = recordEnqueued(alias);
    // A worker sees the schedules once (they start settled through now), then every worker stops.
    const first = startWorker();
    await untilRegistered(setup, 3);
    first.stop();
    await context.runs[0];
    await clock.advance(5 * HOUR + 30 * MINUTE);
    startWorker();
    await eventually("the missed occurrences are settled", async () => {
      const states = await setup.backend.listSchedules!({ backend: alias });
      return states.every((state) => state.settledThrough.getTime() >= start + 5 * HOUR + 30 * MINUTE);
    });
    const byPolicy = (policy: string) => isoOf(enqueued.filter((result) => result.args[0] === policy).map((result) => result.scheduledFor));
    const hour = (n: number) => new Date(start + n * HOUR).toISOString();
    expect(byPolicy("latest")).toEqual([hour(5)]);
    expect(byPolicy("all")).toEqual([hour(1), hour(2), hour(3), hour(4), hour(5)]);
    expect(byPolicy("none")).toEqual([]);
    await advanceBy(clock, 31 * MINUTE, 30_000);
    await eventually("the next occurrence is enqueued for every policy", () => enqueued.length === 1 + 5 + 3);
    for (const policy of ["latest", "all", "none"]) expect(byPolicy(policy).at(-1)).toBe(hour(6));
    expect(await storedCount(alias)).toBe(9);
  });

  it("arguments changed in code apply to the next occurrence; a schedule removed from the code stops enqueuing", async (test) => {
    const setup = setUp();
    needsSchedules(setup, test);
    const { alias, clock } = setup;
    const enqueued = recordEnqueued(alias);
    const deploy = (args: [number] | null) => {
      unregisterTasks();
      const report = task({ name: "schedules.report", backend: alias }, (n: number) => n);
      if (args) schedule(report, { cron: "* * * * *", args });
    };
    deploy([1]);
    const v1 = startWorker();
    await untilRegistered(setup, 1);
    await advanceBy(clock, 2 * MINUTE, 10_000);
    await eventually("two occurrences with the first arguments", () => enqueued.length === 2);
    v1.stop();
    await Promise.all(context.runs);

    deploy([2]);
    const v2 = startWorker();
    await advanceBy(clock, MINUTE, 10_000);
    await eventually("the next occurrence with the new arguments", () => enqueued.length === 3);
    expect(enqueued.map((result) => result.args)).toEqual([[1], [1], [2]]);
    v2.stop();
    await Promise.all(context.runs);

    deploy(null);
    startWorker();
    await advanceBy(clock, 3 * MINUTE, 10_000);
    expect(enqueued).toHaveLength(3);
    expect(await storedCount(alias)).toBe(3);
    // The stored state stays, shown as no longer declared.
    expect(await scheduleOverview({ backend: alias })).toMatchObject([{ name: "schedules.report", declared: false, lastTaskId: enqueued[2]!.id }]);
  });

  for (const zone of [
    { timeZone: "Europe/Paris", start: "2026-03-28T00:00:00Z", days: 3, cron: "30 2 * * *", expected: ["2026-03-28T01:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"] },
    { timeZone: "Europe/Paris", start: "2026-10-24T00:00:00Z", days: 3, cron: "30 2 * * *", expected: ["2026-10-24T00:30:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"] },
    { timeZone: "America/New_York", start: "2026-03-07T12:00:00Z", days: 2, cron: "30 2 * * *", expected: ["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"] },
    { timeZone: "America/New_York", start: "2026-10-31T12:00:00Z", days: 2, cron: "30 1 * * *", expected: ["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"] },
  ]) {
    it(`${zone.timeZone} from ${zone.start.slice(0, 10)} across the clock change: "${zone.cron}" runs once a day, a skipped time at the first minute after the gap`, async (test) => {
      // Long leases and polls: hour-long clock steps then wake few sleepers.
      const setup = setUp({ start: new Date(zone.start), leaseMs: 6 * HOUR });
      needsSchedules(setup, test);
      const { alias, clock } = setup;
      const nightly = task({ name: "schedules.nightly", backend: alias }, () => null);
      // "all" so that hour-long clock steps (faster than real time) count every occurrence.
      schedule(nightly, { cron: zone.cron, timeZone: zone.timeZone, missed: "all" });
      const enqueued = recordEnqueued(alias);
      startWorker({ pollIntervalMs: HOUR });
      await untilRegistered(setup, 1);
      await advanceBy(clock, zone.days * 24 * HOUR, HOUR);
      await eventually("every night's occurrence is enqueued", () => enqueued.length >= zone.expected.length);
      expect(isoOf(enqueued.map((result) => result.scheduledFor))).toEqual(zone.expected);
      const stored = await Promise.all(enqueued.map((result) => result.refresh()));
      expect(isoOf(stored.map((result) => result.scheduledFor))).toEqual(zone.expected);
    });
  }
}
