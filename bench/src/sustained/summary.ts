import type { RunPlan, Sample } from "./run.js";
import { claimQueryId, statementDelta, type StatementDelta, type TableStats } from "./stats.js";
import { linearFit, rateBetween, ratio } from "./windows.js";

/** The span compared at each end of a `sustained` run: a minute, or half the run if shorter. */
export function comparedSpan(seconds: number): number {
  return Math.min(60, Math.floor(seconds / 2));
}

/** A named stretch of a run, in seconds since "go". */
export interface Phase {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

/** The phases a run is judged on: first and last span for `sustained`; before, while held and the minute after for `held_xmin`. */
export function phasesOf(plan: RunPlan): Phase[] {
  if (!plan.hold) {
    const span = comparedSpan(plan.seconds);
    return [
      { name: "first", from: 0, to: span },
      { name: "last", from: plan.seconds - span, to: plan.seconds },
    ];
  }
  return [
    { name: "before", from: 0, to: plan.hold.from },
    { name: "held", from: plan.hold.from, to: plan.hold.to },
    { name: "after", from: plan.hold.to, to: Math.min(plan.seconds, plan.hold.to + 60) },
  ];
}

/** The sample taken closest to `at` seconds (the one after the final drain only if there is no other). */
export function sampleNear(samples: readonly Sample[], at: number): Sample {
  let best = samples[0]!;
  for (const sample of samples) if (!sample.drain && Math.abs(sample.at - at) < Math.abs(best.at - at)) best = sample;
  return best;
}

/** Throughput and claim cost of one phase. */
export interface PhaseFigures extends Phase {
  /** Task starts per second. */
  readonly rate: number;
  readonly claim: StatementDelta;
}

/** Tables at a named moment. */
export interface TablesAt {
  readonly label: string;
  readonly at: number;
  readonly tables: TableStats;
}

/** How claim cost grew with the tasks processed while the snapshot was held. */
export interface HoldTrend {
  /** Per window inside the hold: tasks started since the snapshot, claim buffers per call and ms per call. */
  readonly points: readonly { readonly tasksSince: number; readonly buffersPerCall: number; readonly meanMs: number; readonly rowsPerCall: number }[];
  /** Buffers per claim call gained per 100,000 tasks processed under the snapshot, and the line's r². */
  readonly buffersPer100k: number | undefined;
  readonly buffersR2: number | undefined;
  readonly msPer100k: number | undefined;
  readonly msR2: number | undefined;
}

/** Everything the table and the details say about one run. */
export interface RunSummary {
  readonly phases: readonly PhaseFigures[];
  /** last/first (`sustained`) or held/before and after/before (`held_xmin`). */
  readonly ratios: Readonly<Record<string, number>>;
  /** Start, middle (or the snapshot's release) and end. */
  readonly tables: readonly TablesAt[];
  readonly trend: HoldTrend | undefined;
  readonly claimQuery: string | undefined;
  /**
   * `held_xmin`: seconds from the release until the backlog was back under one second of load
   * (0 if it never grew past that); undefined if it did not get there before the load stopped.
   */
  readonly backlogClearedAfter: number | undefined;
}

/** Seconds after `from` until a sample shows a backlog of at most one second of load; undefined if none does. */
export function backlogClearedAfter(samples: readonly Sample[], from: number, rate: number): number | undefined {
  for (const sample of samples) {
    if (sample.drain || sample.at < from - 1) continue;
    if (sample.enqueued - sample.started <= rate) return Math.max(0, sample.at - from);
  }
  return undefined;
}

/** Computes the figures of a run from its per-second starts and its samples. */
export function summarize(plan: RunPlan, perSecond: readonly number[], samples: readonly Sample[]): RunSummary {
  const queryId = claimQueryId(samples[samples.length - 1]);
  const phases = phasesOf(plan).map((phase) => ({
    ...phase,
    rate: rateBetween(perSecond, phase.from, phase.to),
    claim: statementDelta(sampleNear(samples, phase.from), sampleNear(samples, phase.to), queryId),
  }));
  const rateOf = (name: string) => phases.find((phase) => phase.name === name)?.rate ?? Number.NaN;
  const ratios: Record<string, number> = plan.hold
    ? { heldOverBefore: ratio(rateOf("held"), rateOf("before")), afterOverBefore: ratio(rateOf("after"), rateOf("before")) }
    : { lastOverFirst: ratio(rateOf("last"), rateOf("first")) };
  const middle = plan.hold ? { label: "at release", at: plan.hold.to } : { label: "middle", at: plan.seconds / 2 };
  const tables = [
    { label: "start", at: 0 },
    ...(plan.hold ? [{ label: "at snapshot", at: plan.hold.from }] : []),
    middle,
    { label: "end", at: plan.seconds },
  ].map(({ label, at }) => ({ label, at, tables: sampleNear(samples, at).tables }));
  const claimQuery = samples[samples.length - 1]?.claims.find((statement) => statement.queryId === queryId)?.query;
  return {
    phases,
    ratios,
    tables,
    trend: plan.hold ? holdTrend(plan.hold, samples, queryId) : undefined,
    claimQuery,
    backlogClearedAfter: plan.hold ? backlogClearedAfter(samples, plan.hold.to, plan.rate) : undefined,
  };
}

function holdTrend(hold: NonNullable<RunPlan["hold"]>, samples: readonly Sample[], queryId: string | undefined): HoldTrend {
  const startedAtHold = sampleNear(samples, hold.from).started;
  const inside = samples.filter((sample) => sample.at >= hold.from - 1 && sample.at <= hold.to + 1);
  const points = [];
  for (let i = 1; i < inside.length; i++) {
    const delta = statementDelta(inside[i - 1], inside[i]!, queryId);
    if (delta.calls === 0) continue;
    points.push({ tasksSince: inside[i]!.started - startedAtHold, buffersPerCall: delta.buffersPerCall, meanMs: delta.meanMs, rowsPerCall: delta.rowsPerCall });
  }
  const xs = points.map((point) => point.tasksSince / 100_000);
  const buffers = linearFit(xs, points.map((point) => point.buffersPerCall));
  const ms = linearFit(xs, points.map((point) => point.meanMs));
  return { points, buffersPer100k: buffers?.slope, buffersR2: buffers?.r2, msPer100k: ms?.slope, msR2: ms?.r2 };
}
