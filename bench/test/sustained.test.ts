import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../src/args.js";
import type { LibSession } from "../src/adapters/types.js";
import { dueCount, SteadyEnqueuer } from "../src/sustained/enqueuer.js";
import { sampleTimes, type Sample } from "../src/sustained/run.js";
import { checkSustained, mergeSeen, SeenSet } from "../src/sustained/seen-set.js";
import { slowPlans } from "../src/sustained/slow-plans.js";
import { DEFAULT_SUSTAINED, FALLBACK_RATE, parseSustainedFlags, resolveRate } from "../src/sustained/settings.js";
import { claimQueryId, statementDelta, type DbSample, type StatementCounters } from "../src/sustained/stats.js";
import { backlogClearedAfter, comparedSpan, phasesOf, summarize } from "../src/sustained/summary.js";
import { countBetween, linearFit, rateBetween, ratio, windowRates } from "../src/sustained/windows.js";

describe("throughput windows", () => {
  const perSecond = [10, 20, 30, 40, 50];

  it("counts and rates starts over whole seconds", () => {
    expect(countBetween(perSecond, 1, 3)).toBe(50);
    expect(rateBetween(perSecond, 0, 5)).toBe(30);
    expect(rateBetween(perSecond, 3, 3)).toBeNaN();
  });

  it("counts seconds past the end of the series as zero", () => {
    expect(rateBetween(perSecond, 4, 6)).toBe(25);
  });

  it("splits a run into windows with a shorter last one", () => {
    expect(windowRates(perSecond, 2, 5)).toEqual([
      { start: 0, end: 2, count: 30, rate: 15 },
      { start: 2, end: 4, count: 70, rate: 35 },
      { start: 4, end: 5, count: 50, rate: 50 },
    ]);
    expect(() => windowRates(perSecond, 0, 5)).toThrow(/whole number of seconds/);
  });

  it("gives NaN ratios instead of dividing by nothing", () => {
    expect(ratio(95, 100)).toBe(0.95);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 1)).toBeNaN();
  });

  it("fits a line and says how well it fits", () => {
    const fit = linearFit([1, 2, 3, 4], [3, 5, 7, 9])!;
    expect(fit.slope).toBeCloseTo(2);
    expect(fit.intercept).toBeCloseTo(1);
    expect(fit.r2).toBeCloseTo(1);
    expect(linearFit([1, 2, 3], [1, 9, 1])!.r2).toBeCloseTo(0);
    expect(linearFit([1, 2], [1, 2])).toBeUndefined();
    expect(linearFit([2, 2, 2], [1, 2, 3])).toBeUndefined();
  });
});

describe("SeenSet and the exactly-once check", () => {
  it("notices a number seen twice and values that are not task numbers", () => {
    const set = new SeenSet();
    expect(set.add(3)).toBe(true);
    expect(set.add(3)).toBe(false);
    expect(set.add(0)).toBe(false);
    expect(set.add(1.5)).toBe(false);
    expect(set.add(1_000_000)).toBe(true);
    expect({ size: set.size, duplicates: set.duplicates, outside: set.outside }).toEqual({ size: 2, duplicates: 1, outside: 2 });
  });

  it("merges children's sets, counting numbers two children both ran", () => {
    const a = new SeenSet();
    const b = new SeenSet();
    for (const n of [1, 2, 3, 9]) a.add(n);
    for (const n of [3, 4, 5, 12]) b.add(n);
    expect(mergeSeen([a.toBase64(), b.toBase64()], 10)).toEqual({ unique: 6, crossDuplicates: 1, aboveTotal: 1 });
    expect(mergeSeen([], 10)).toEqual({ unique: 0, crossDuplicates: 0, aboveTotal: 0 });
  });

  const base = { total: 10, duplicates: 0, outside: 0, pending: 0, failed: 0, drained: true };
  const merged = (unique: number) => ({ unique, crossDuplicates: 0, aboveTotal: 0 });

  it("passes a drained run where every task ran once", () => {
    expect(checkSustained({ ...base, merged: merged(10) })).toBeUndefined();
  });

  it("fails duplicates, unknown numbers, failed rows and tasks that never ran", () => {
    expect(checkSustained({ ...base, merged: { unique: 10, crossDuplicates: 2, aboveTotal: 0 }, duplicates: 1 })).toBe("3 tasks ran more than once");
    expect(checkSustained({ ...base, merged: { unique: 10, crossDuplicates: 0, aboveTotal: 1 } })).toBe("1 tasks with unknown numbers ran");
    expect(checkSustained({ ...base, merged: merged(10), failed: 2 })).toBe("2 tasks FAILED in the database");
    expect(checkSustained({ ...base, merged: merged(8) })).toBe("2 tasks never ran");
  });

  it("fails a drained run that leaves rows pending in the database", () => {
    expect(checkSustained({ ...base, merged: merged(10), pending: 1 })).toBe("1 tasks still READY or RUNNING in the database after every task ran");
  });

  it("accepts an undrained run whose missing tasks are still pending, and fails one that lost tasks", () => {
    expect(checkSustained({ ...base, drained: false, merged: merged(7), pending: 3 })).toBeUndefined();
    expect(checkSustained({ ...base, drained: false, merged: merged(7), pending: 2 })).toBe("1 tasks neither ran nor are pending in the database");
  });
});

describe("sustained settings", () => {
  it("defaults to durations that fit the 20-minute budget", () => {
    expect(parseBenchArgs([]).sustained).toEqual(DEFAULT_SUSTAINED);
    expect(parseBenchArgs([]).only).toEqual(expect.arrayContaining(["sustained", "held_xmin"]));
  });

  it("reads the rate and every duration flag", () => {
    const args = parseBenchArgs(["--only", "held_xmin", "--rate", "2500.5", "--sustained-seconds", "600", "--hold-before-seconds", "240", "--hold-seconds", "120", "--hold-after-seconds", "240", "--drain-seconds", "5"]);
    expect(args.sustained).toEqual({ rate: 2500.5, sustainedSeconds: 600, holdBeforeSeconds: 240, holdSeconds: 120, holdAfterSeconds: 240, drainSeconds: 5 });
  });

  it("rejects bad values with a sentence naming the flag", () => {
    expect(() => parseSustainedFlags({ rate: "0" })).toThrow(/--rate must be a number of tasks per second above 0/);
    expect(() => parseSustainedFlags({ rate: "fast" })).toThrow(/got "fast"/);
    expect(() => parseSustainedFlags({ "hold-seconds": "5" })).toThrow(/--hold-seconds must be a whole number of seconds from 10/);
    expect(() => parseSustainedFlags({ "sustained-seconds": "90.5" })).toThrow(/--sustained-seconds/);
    expect(() => parseBenchArgs(["--hold-seconds"])).toThrow();
  });

  it("takes --rate first, then half of ours' drain (tuned), then a fixed rate", () => {
    expect(resolveRate({ ...DEFAULT_SUSTAINED, rate: 123 }, 40_000).rate).toBe(123);
    expect(resolveRate(DEFAULT_SUSTAINED, 30_001)).toMatchObject({ rate: 15_001 });
    expect(resolveRate(DEFAULT_SUSTAINED, undefined).rate).toBe(FALLBACK_RATE);
    expect(resolveRate(DEFAULT_SUSTAINED, Number.NaN).rate).toBe(FALLBACK_RATE);
  });
});

describe("schedules", () => {
  it("enqueues what the rate says is due, never ahead", () => {
    expect(dueCount(0, 10_000)).toBe(0);
    expect(dueCount(150, 10_000)).toBe(1_500);
    expect(dueCount(99.9, 10)).toBe(0);
  });

  it("stops after the bulk call in flight, even far behind schedule", async () => {
    // A library that takes 50 ms per call of 10 tasks while 1,000 tasks a second are due falls
    // further behind on every turn; stop() must not wait until it has caught up.
    let calls = 0;
    const slow = {
      enqueueMany: async (batch: readonly unknown[]) => {
        calls++;
        expect(batch.length).toBeLessThanOrEqual(10);
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    } as unknown as LibSession;
    const enqueuer = new SteadyEnqueuer(slow, 1_000, 10);
    enqueuer.start(performance.now() - 5_000);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const began = performance.now();
    const outcome = await enqueuer.stop();
    expect(performance.now() - began).toBeLessThan(1_000);
    expect(outcome.total).toBe(calls * 10);
    expect(outcome.total).toBeLessThan(5_000);
  });

  it("samples every window, at the end, and at the hold's edges", () => {
    expect(sampleTimes(35, undefined, 10)).toEqual([10, 20, 30, 35]);
    expect(sampleTimes(60, { from: 15, to: 45 }, 10)).toEqual([10, 15, 20, 30, 40, 45, 50, 60]);
  });

  it("compares the first and last minute, or halves of a shorter run", () => {
    expect(comparedSpan(600)).toBe(60);
    expect(comparedSpan(90)).toBe(45);
    expect(phasesOf({ scenario: "sustained", seconds: 120, rate: 1, drainSeconds: 1 }).map((p) => [p.name, p.from, p.to])).toEqual([
      ["first", 0, 60],
      ["last", 60, 120],
    ]);
    expect(phasesOf({ scenario: "held_xmin", seconds: 100, hold: { from: 20, to: 70 }, rate: 1, drainSeconds: 1 }).map((p) => [p.name, p.from, p.to])).toEqual([
      ["before", 0, 20],
      ["held", 20, 70],
      ["after", 70, 100],
    ]);
  });
});

const statement = (queryId: string, calls: number, totalMs: number, rows: number, sharedHit: number): StatementCounters => ({
  queryId,
  query: `claim ${queryId}`,
  calls,
  totalMs,
  rows,
  sharedHit,
  sharedRead: 0,
});
const tables = { totalBytes: 0, indexBytes: 0, liveTuples: 0, deadTuples: 0, autovacuums: 0, autoanalyzes: 0, largest: undefined };
const sample = (at: number, started: number, claims: StatementCounters[], extra: Partial<Sample> = {}): Sample => ({
  at,
  tables,
  claims,
  oldestXmin: null,
  maintenance: [],
  enqueued: started,
  started,
  ...extra,
});

describe("claim statement figures", () => {
  it("picks the SKIP LOCKED statement called most often", () => {
    const last: DbSample = sample(10, 0, [statement("a", 5, 1, 1, 1), statement("b", 50, 1, 1, 1)]);
    expect(claimQueryId(last)).toBe("b");
    expect(claimQueryId(undefined)).toBeUndefined();
  });

  it("gives per-call time, rows and buffers between two samples", () => {
    const a = sample(0, 0, [statement("q", 10, 20, 100, 1_000)]);
    const b = sample(10, 0, [statement("q", 30, 80, 500, 5_000)]);
    expect(statementDelta(a, b, "q")).toEqual({ calls: 20, meanMs: 3, rowsPerCall: 20, buffersPerCall: 200 });
    expect(statementDelta(b, b, "q").calls).toBe(0);
    expect(statementDelta(undefined, b, "q").calls).toBe(30);
  });
});

describe("summarize", () => {
  it("computes held/before and after/before and fits claim cost to tasks processed under the snapshot", () => {
    const plan = { scenario: "held_xmin" as const, seconds: 60, hold: { from: 10, to: 40 }, rate: 100, drainSeconds: 1 };
    const perSecond = [...Array(10).fill(100), ...Array(30).fill(80), ...Array(20).fill(100)];
    // Buffers per call grow by 100 for every 1,000 tasks started during the hold.
    const samples = [
      sample(0, 0, [statement("q", 0, 0, 0, 0)]),
      sample(10, 1_000, [statement("q", 10, 10, 100, 1_000)]),
      sample(20, 1_800, [statement("q", 20, 30, 200, 3_800)]),
      sample(30, 2_600, [statement("q", 30, 60, 300, 8_200)]),
      sample(40, 3_400, [statement("q", 40, 100, 400, 14_200)]),
      sample(60, 5_400, [statement("q", 60, 140, 600, 16_200)]),
      sample(61, 5_400, [statement("q", 61, 141, 600, 16_300)], { drain: true }),
    ];
    const summary = summarize(plan, perSecond, samples);
    expect(summary.ratios.heldOverBefore).toBeCloseTo(0.8);
    expect(summary.ratios.afterOverBefore).toBeCloseTo(1);
    expect(summary.phases.find((p) => p.name === "held")!.claim.meanMs).toBeCloseTo(3);
    expect(summary.trend!.points.map((p) => p.buffersPerCall)).toEqual([280, 440, 600]);
    expect(summary.trend!.buffersPer100k).toBeCloseTo(20_000);
    expect(summary.trend!.buffersR2).toBeCloseTo(1);
    expect(summary.tables.map((t) => t.label)).toEqual(["start", "at snapshot", "at release", "end"]);
    expect(summary.backlogClearedAfter).toBe(0);
  });

  it("times how long the backlog took to fall back under one second of load after the release", () => {
    const behind = (at: number, backlog: number, extra: Partial<Sample> = {}) => sample(at, 0, [], { enqueued: backlog, ...extra });
    const samples = [behind(30, 5_000), behind(40, 900), behind(50, 400), behind(60, 10, { drain: true })];
    expect(backlogClearedAfter(samples, 30, 500)).toBe(20);
    expect(backlogClearedAfter(samples, 30, 100)).toBeUndefined();
    expect(backlogClearedAfter(samples, 30, 5_000)).toBe(0);
  });

  it("computes last/first for a sustained run", () => {
    const plan = { scenario: "sustained" as const, seconds: 20, rate: 100, drainSeconds: 1 };
    const summary = summarize(plan, [...Array(10).fill(100), ...Array(10).fill(90)], [sample(0, 0, []), sample(10, 1_000, []), sample(20, 1_900, [])]);
    expect(summary.ratios.lastOverFirst).toBeCloseTo(0.9);
    expect(summary.trend).toBeUndefined();
  });
});

describe("slowPlans", () => {
  it("reads auto_explain entries from the server log: the slowest of each statement, slowest first", () => {
    const log = [
      "2026-12-02 04:22:55.100 UTC [11] LOG:  checkpoint starting: time",
      "2026-12-02 04:22:55.123 UTC [12] LOG:  duration: 1500.5 ms  plan:",
      "\tQuery Text: select 1",
      "\tResult  (cost=0.00..0.01 rows=1 width=4)",
      "2026-12-02 04:22:56.000 UTC [12] LOG:  duration: 4000.25 ms  plan:",
      "\tQuery Text: with j as (",
      "\t  select 2",
      "\t)",
      "\tLimit  (cost=1.00..2.00 rows=500 width=8)",
      "\t  ->  Seq Scan on jobs  (cost=0.00..1.00 rows=10 width=8)",
      "2026-12-02 04:22:56.500 UTC [12] LOG:  duration: 1200 ms  plan:",
      "\tQuery Text: select 1",
      "\tResult  (cost=0.00..0.01 rows=1 width=4)",
      "2026-12-02 04:22:57.000 UTC [13] LOG:  duration: 12.000 ms  statement: select 3",
    ].join("\n");
    const plans = slowPlans(log);
    expect(plans.map((plan) => [plan.durationMs, plan.query])).toEqual([
      [4000.25, "with j as ( select 2 )"],
      [1500.5, "select 1"],
    ]);
    expect(plans[0]!.plan).toBe("Limit  (cost=1.00..2.00 rows=500 width=8)\n  ->  Seq Scan on jobs  (cost=0.00..1.00 rows=10 width=8)");
    expect(slowPlans(log, 1)).toHaveLength(1);
    expect(slowPlans("")).toEqual([]);
  });
});
