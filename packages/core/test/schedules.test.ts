import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  configureTasks,
  InvalidTaskBackendError,
  InvalidTaskError,
  registeredSchedules,
  resetTasksConfiguration,
  schedule,
  task,
  unregisterTasks,
} from "../src/index.js";
import { MAX_OCCURRENCES_PER_CALL, planOccurrences } from "../src/schedules/occurrences.js";
import { unreachableBackend } from "./helpers.js";

beforeEach(() => unregisterTasks());
afterEach(() => resetTasksConfiguration());

const iso = (dates: readonly Date[]) => dates.map((date) => date.toISOString());
const at = (text: string) => new Date(text);

describe("declaring a schedule", () => {
  it("registers it under the task's name by default, and under its own name when given", () => {
    const report = task({ name: "reports.daily" }, (day: string) => day);
    const first = schedule(report, { cron: "0 3 * * *", timeZone: "Europe/Paris", args: ["yesterday"] });
    const second = schedule(report, { name: "reports.daily.noon", cron: "0 12 * * *", args: ["today"] });
    expect(first.name).toBe("reports.daily");
    expect(first.timeZone).toBe("Europe/Paris");
    expect(first.missed).toBe("latest");
    expect(second.args).toEqual(["today"]);
    expect(registeredSchedules().map((declared) => declared.name)).toEqual(["reports.daily", "reports.daily.noon"]);
    // Forgetting the task forgets its schedules.
    unregisterTasks("reports.daily");
    expect(registeredSchedules()).toEqual([]);
  });

  it.each([
    [{ cron: "61 * * * *" }, /Invalid cron expression "61 \* \* \* \*" for schedule "tick" of task "tick"/],
    [{ cron: "* * *" }, /Invalid cron expression/],
    [{ cron: "" }, /needs a cron expression/],
    [{ cron: 5 }, /needs a cron expression/],
    [{ cron: "0 0 31 2 *" }, /never occurs/],
    [{ cron: "* * * * *", timeZone: "Mars/Olympus" }, /Unknown time zone "Mars\/Olympus" for schedule "tick"/],
    [{ cron: "* * * * *", args: [() => 1] }, /Task "tick" cannot be scheduled by "tick"/],
    [{ cron: "* * * * *", args: "x" }, /Invalid args for schedule "tick"/],
    [{ cron: "* * * * *", missed: "some" }, /Invalid missed-run policy "some" for schedule "tick"/],
    [{ cron: "* * * * *", graceMs: 10 }, /Invalid graceMs 10 for schedule "tick"/],
    [{ cron: "* * * * *", backfillMs: -1 }, /Invalid backfillMs -1/],
    [{ cron: "* * * * *", every: 5 }, /Unknown option "every" for schedule "tick"/],
    [{ cron: "* * * * *", name: "" }, /Invalid schedule name ""/],
  ])("rejects %j with an error naming the schedule", (options, message) => {
    const tick = task({ name: "tick" }, (..._args: unknown[]) => null);
    expect(() => schedule(tick, options as never)).toThrow(InvalidTaskError);
    expect(() => schedule(tick, options as never)).toThrow(message);
    expect(registeredSchedules()).toEqual([]);
  });

  it("rejects arguments that fail the task's argsSchema", () => {
    const positive = { parse: (value: unknown) => { if (!Array.isArray(value) || typeof value[0] !== "number" || value[0] <= 0) throw new Error("expected a positive number"); return value; } };
    const count = task({ name: "count", argsSchema: positive }, (n: number) => n);
    expect(() => schedule(count, { cron: "@hourly", args: [-1] })).toThrow(/do not match its argsSchema: expected a positive number/);
    expect(schedule(count, { cron: "@hourly", args: [2] }).args).toEqual([2]);
  });

  it("rejects a second schedule with a name already taken, saying how to fix it", () => {
    const tick = task({ name: "tick" }, () => null);
    schedule(tick, { cron: "@hourly" });
    expect(() => schedule(tick, { cron: "@daily" })).toThrow(/already declared \(for task "tick"\).*give each schedule of a task its own name/);
  });

  it("rejects, once backends are configured, a backend that cannot store schedules", () => {
    configureTasks({ backends: { default: { backend: unreachableBackend({ supportsSchedules: false }) }, other: { backend: unreachableBackend() } } });
    const tick = task({ name: "tick" }, () => null);
    expect(() => schedule(tick, { cron: "@hourly" })).toThrow(InvalidTaskBackendError);
    expect(() => schedule(tick, { cron: "@hourly" })).toThrow(/Schedule "tick" of task "tick" needs a backend that stores schedules/);
    expect(schedule(tick.using({ backend: "other" }), { cron: "@hourly" }).backend).toBe("other");
  });
});

describe("which occurrences a pass enqueues", () => {
  const declare = (cron: string, options: Record<string, unknown> = {}) => schedule(task({ name: "job" }, () => null), { cron, ...options });

  it("enqueues nothing before the next occurrence, then exactly the one due", () => {
    const hourly = declare("0 * * * *");
    expect(planOccurrences(hourly, at("2026-01-01T10:00:00Z"), at("2026-01-01T10:59:59.999Z"))).toBeNull();
    const plan = planOccurrences(hourly, at("2026-01-01T10:00:00Z"), at("2026-01-01T11:00:00.250Z"));
    expect(iso(plan!.at)).toEqual(["2026-01-01T11:00:00.000Z"]);
    expect(plan!.through.toISOString()).toBe("2026-01-01T11:00:00.250Z");
  });

  it("counts occurrences within the grace period as on time under every policy", () => {
    for (const missed of ["latest", "all", "none"]) {
      unregisterTasks();
      const everySecond = declare("* * * * * *", { missed, graceMs: 5_000 });
      const plan = planOccurrences(everySecond, at("2026-01-01T10:00:00Z"), at("2026-01-01T10:00:03.500Z"));
      expect(iso(plan!.at), missed).toEqual(["2026-01-01T10:00:01.000Z", "2026-01-01T10:00:02.000Z", "2026-01-01T10:00:03.000Z"]);
    }
  });

  it("latest: after an outage, only the most recent missed occurrence", () => {
    const hourly = declare("0 * * * *");
    const plan = planOccurrences(hourly, at("2026-01-01T03:00:00Z"), at("2026-01-01T10:30:00Z"));
    expect(iso(plan!.at)).toEqual(["2026-01-01T10:00:00.000Z"]);
    expect(plan!.through.toISOString()).toBe("2026-01-01T10:30:00.000Z");
  });

  it("latest: no missed occurrence when one within the grace period runs anyway", () => {
    const everyMinute = declare("* * * * *");
    const plan = planOccurrences(everyMinute, at("2026-01-01T09:00:00Z"), at("2026-01-01T10:00:30Z"));
    expect(iso(plan!.at)).toEqual(["2026-01-01T10:00:00.000Z"]);
  });

  it("all: every missed occurrence within the backfill window, oldest first", () => {
    const hourly = declare("0 * * * *", { missed: "all", backfillMs: 3 * 3_600_000 });
    const plan = planOccurrences(hourly, at("2026-01-01T03:00:00Z"), at("2026-01-01T10:30:00Z"));
    expect(iso(plan!.at)).toEqual(["2026-01-01T08:00:00.000Z", "2026-01-01T09:00:00.000Z", "2026-01-01T10:00:00.000Z"]);
  });

  it("all: a long backfill goes in chunks, settling only through the last occurrence enqueued", () => {
    const everySecond = declare("* * * * * *", { missed: "all", backfillMs: 3_600_000 });
    const plan = planOccurrences(everySecond, at("2026-01-01T09:00:00Z"), at("2026-01-01T10:00:00Z"));
    expect(plan!.at).toHaveLength(MAX_OCCURRENCES_PER_CALL);
    expect(plan!.at[0]!.toISOString()).toBe("2026-01-01T09:00:01.000Z");
    expect(plan!.through).toEqual(plan!.at[MAX_OCCURRENCES_PER_CALL - 1]);
  });

  it("none: missed occurrences are passed over, and the schedule settles through now", () => {
    const hourly = declare("0 * * * *", { missed: "none" });
    const plan = planOccurrences(hourly, at("2026-01-01T03:00:00Z"), at("2026-01-01T10:30:00Z"));
    expect(plan!.at).toEqual([]);
    expect(plan!.through.toISOString()).toBe("2026-01-01T10:30:00.000Z");
  });
});

describe("daylight-saving changes", () => {
  /** Every occurrence from `from` to `to`, one pass per second as a worker would make them. */
  function occurrences(cron: string, timeZone: string, from: string, to: string): string[] {
    unregisterTasks();
    const declared = schedule(task({ name: "job" }, () => null), { cron, timeZone });
    const found: string[] = [];
    let settled = at(from);
    // Step to each next occurrence (plus 100 ms), as a worker's loop does.
    for (;;) {
      const next = declared.nextAfter(settled);
      if (next === null || next > at(to)) break;
      const plan = planOccurrences(declared, settled, new Date(next.getTime() + 100));
      found.push(...iso(plan!.at));
      settled = plan!.through;
    }
    return found;
  }

  it("Europe/Paris spring forward: 02:30, which does not exist, runs at 03:00 local, once", () => {
    expect(occurrences("30 2 * * *", "Europe/Paris", "2026-03-27T12:00:00Z", "2026-03-30T12:00:00Z")).toEqual([
      "2026-03-28T01:30:00.000Z", // 02:30 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST: the first minute after the gap
      "2026-03-30T00:30:00.000Z", // 02:30 CEST
    ]);
  });

  it("Europe/Paris fall back: 02:30, which happens twice, runs once", () => {
    expect(occurrences("30 2 * * *", "Europe/Paris", "2026-10-23T12:00:00Z", "2026-10-26T12:00:00Z")).toEqual([
      "2026-10-24T00:30:00.000Z", // 02:30 CEST
      "2026-10-25T00:30:00.000Z", // 02:30 CEST, the first passage; not again at 02:30 CET
      "2026-10-26T01:30:00.000Z", // 02:30 CET
    ]);
  });

  it("America/New_York spring forward and fall back for a fixed time", () => {
    expect(occurrences("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z")).toEqual([
      "2026-03-08T07:00:00.000Z", // 03:00 EDT: 02:30 does not exist
      "2026-03-09T06:30:00.000Z",
    ]);
    expect(occurrences("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z")).toEqual([
      "2026-11-01T05:30:00.000Z", // 01:30 EDT once; 01:30 EST is not run again
      "2026-11-02T06:30:00.000Z",
    ]);
  });

  it("an hourly schedule keeps one occurrence per real hour through both changes", () => {
    const fallBack = occurrences("0 * * * *", "America/New_York", "2026-11-01T03:30:00Z", "2026-11-01T08:30:00Z");
    expect(fallBack).toEqual(["2026-11-01T04:00:00.000Z", "2026-11-01T05:00:00.000Z", "2026-11-01T06:00:00.000Z", "2026-11-01T07:00:00.000Z", "2026-11-01T08:00:00.000Z"]);
    const springForward = occurrences("0 * * * *", "Europe/Paris", "2026-03-28T23:30:00Z", "2026-03-29T02:30:00Z");
    expect(springForward).toEqual(["2026-03-29T00:00:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-29T02:00:00.000Z"]);
  });
});
