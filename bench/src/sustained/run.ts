import { wallMs } from "../payload.js";
import { sleep, type ScenarioContext } from "../scenarios/context.js";
import { SustainedChild } from "./child.js";
import { startCleanup } from "./cleanup.js";
import { withPrivateDatabase } from "./cluster.js";
import { HeldSnapshot } from "./held-snapshot.js";
import { slowPlans, type SlowPlan } from "./slow-plans.js";
import { SteadyEnqueuer } from "./enqueuer.js";
import type { SustainedReport } from "./protocol.js";
import { checkSustained, mergeSeen } from "./seen-set.js";
import { sampleDb, type DbSample } from "./stats.js";

/** Database samples are taken this often (and at the hold's start and end). */
export const WINDOW_S = 10;

/** What one run does. */
export interface RunPlan {
  readonly scenario: "sustained" | "held_xmin";
  /** Seconds of load. */
  readonly seconds: number;
  /** Seconds since "go" at which the snapshot is taken and released (held_xmin only). */
  readonly hold?: { readonly from: number; readonly to: number };
  readonly rate: number;
  readonly drainSeconds: number;
}

/** A database sample with the load figures known at the same moment. */
export interface Sample extends DbSample {
  readonly enqueued: number;
  /** Task starts so far, asked of the children just before the database sample. */
  readonly started: number;
  /** Set on the sample taken after the final drain. */
  readonly drain?: boolean;
}

/** Everything a run measured, for the table, the details and the JSON file. */
export interface RunResult {
  readonly plan: RunPlan;
  /** Task starts per second since "go", all children together. */
  readonly perSecond: number[];
  readonly samples: Sample[];
  readonly enqueued: number;
  /** Most tasks the enqueuer was behind its schedule after a turn. */
  readonly enqueueMaxBehind: number;
  /** Tasks not yet started when the load stopped. */
  readonly backlogAtEnd: number;
  /** Seconds after the load stopped until every task had finished (undefined: not within drainSeconds). */
  readonly drainedAfter: number | undefined;
  readonly cleanup: { readonly description: string; readonly summary: string };
  /** Transaction age of the held snapshot's xmin when it was released (held_xmin). */
  readonly heldXminAge: number | undefined;
  /** Plans auto_explain logged for statements slower than {@link SLOW_STATEMENT_MS}. */
  readonly slowPlans: SlowPlan[];
  readonly rssMb: number;
  /** Why the run is FAILED, if it is. */
  readonly problem: string | undefined;
}

/** The moments of a run, in seconds since "go": samples every window plus the hold's edges. */
export function sampleTimes(seconds: number, hold: RunPlan["hold"], windowS = WINDOW_S): number[] {
  const times = new Set<number>();
  for (let t = windowS; t < seconds; t += windowS) times.add(t);
  times.add(seconds);
  if (hold) {
    times.add(hold.from);
    times.add(hold.to);
  }
  return [...times].filter((t) => t > 0 && t <= seconds).sort((a, b) => a - b);
}

/** Runs one library under steady load on a private cluster and checks every task ran once. */
export async function runSustained(ctx: ScenarioContext, plan: RunPlan): Promise<RunResult> {
  const { adapter, log } = ctx;
  const profile = adapter.profiles.tuned ?? adapter.profiles.defaults!;
  return withPrivateDatabase(adapter.lib, async (db) => {
    const session = await adapter.open(db.url, db.sql);
    const children: SustainedChild[] = [];
    let held: HeldSnapshot | undefined;
    try {
      const cleanup = await startCleanup(adapter.lib, db.url, log);
      children.push(new SustainedChild(adapter.lib, db.url, profile, ctx.childExecArgv));
      await Promise.all(children.map((child) => child.ready()));
      const started = async () => (await Promise.all(children.map((child) => child.count()))).reduce((a, b) => a + b, 0);
      const enqueuer = new SteadyEnqueuer(session, plan.rate, adapter.bulkChunk);
      const samples: Sample[] = [{ ...(await sampleDb(db.sql, 0)), enqueued: 0, started: 0 }];
      const goAt = wallMs();
      const start = performance.now();
      for (const child of children) child.go(goAt);
      enqueuer.start(start);
      let heldXminAge: number | undefined;
      for (const t of sampleTimes(plan.seconds, plan.hold)) {
        const wait = start + t * 1000 - performance.now();
        if (wait > 0) await sleep(wait);
        if (t === plan.seconds) await enqueuer.stop();
        const load = { enqueued: enqueuer.enqueued, started: await started() };
        const sample: Sample = { ...(await sampleDb(db.sql, (performance.now() - start) / 1000)), ...load };
        samples.push(sample);
        logSample(ctx, samples);
        if (plan.hold && t === plan.hold.from) {
          held = new HeldSnapshot(db.connect());
          log(`held_xmin ${adapter.lib}: snapshot taken (xmin ${await held.taken()}), held for ${plan.hold.to - plan.hold.from} s`);
        }
        if (plan.hold && t === plan.hold.to && held) {
          heldXminAge = sample.oldestXmin?.age;
          await held.release();
          held = undefined;
          log(`held_xmin ${adapter.lib}: snapshot released (xmin age ${heldXminAge ?? "?"} transactions)`);
        }
      }
      const enqueued = await enqueuer.stop();
      const summary = await cleanup.stop();
      const backlogAtEnd = enqueued.total - (await started());
      const drainedAfter = await drain(enqueued.total, started, plan.drainSeconds, start + plan.seconds * 1000);
      const startedAtEnd = await started();
      samples.push({ ...(await sampleDb(db.sql, (performance.now() - start) / 1000)), enqueued: enqueued.total, started: startedAtEnd, drain: true });
      const reports = await Promise.all(children.map((child) => child.stop()));
      const settled = await session.progress(enqueued.total);
      const problem = checkSustained({
        total: enqueued.total,
        merged: mergeSeen(reports.map((report) => report.seen), enqueued.total),
        duplicates: sum(reports, (report) => report.duplicates),
        outside: sum(reports, (report) => report.outside),
        pending: settled.pending,
        failed: settled.failed,
        drained: drainedAfter !== undefined,
      });
      const perSecond: number[] = [];
      for (const report of reports) report.perSecond.forEach((count, i) => (perSecond[i] = (perSecond[i] ?? 0) + count));
      return {
        plan,
        perSecond: Array.from(perSecond, (count) => count ?? 0),
        samples,
        enqueued: enqueued.total,
        enqueueMaxBehind: enqueued.maxBehind,
        backlogAtEnd,
        drainedAfter,
        cleanup: { description: cleanup.description, summary },
        heldXminAge,
        slowPlans: slowPlans(db.serverLog()),
        rssMb: Math.max(...reports.map((report) => report.rss)) / 2 ** 20,
        problem,
      };
    } finally {
      await held?.release().catch(() => {});
      for (const child of children) child.kill();
      await session.close().catch(() => {});
    }
  });
}

function sum(reports: readonly SustainedReport[], pick: (report: SustainedReport) => number): number {
  return reports.reduce((total, report) => total + pick(report), 0);
}

/**
 * Waits until the workers have started every task, for at most `seconds` after the load ended;
 * returns how long it took, or undefined. The database is not polled: a count over a table of
 * a million rows takes seconds here, and the check after the workers stop reads it once.
 */
async function drain(total: number, started: () => Promise<number>, seconds: number, endedAt: number): Promise<number | undefined> {
  const deadline = endedAt + seconds * 1000;
  for (;;) {
    if ((await started()) >= total) return (performance.now() - endedAt) / 1000;
    if (performance.now() >= deadline) return undefined;
    await sleep(100);
  }
}

function logSample(ctx: ScenarioContext, samples: readonly Sample[]): void {
  const b = samples[samples.length - 1]!;
  const a = samples[samples.length - 2]!;
  const span = b.at - a.at;
  const rate = span > 0 ? (b.started - a.started) / span : 0;
  ctx.log(
    `${ctx.adapter.lib} t=${b.at.toFixed(0)}s: ${Math.round(rate).toLocaleString("en-US")} starts/s, backlog ${(b.enqueued - b.started).toLocaleString("en-US")}, ` +
      `tables ${(b.tables.totalBytes / 2 ** 20).toFixed(0)} MB, dead tuples ${b.tables.deadTuples.toLocaleString("en-US")}, autovacuums ${b.tables.autovacuums}` +
      (b.oldestXmin === null ? "" : `, oldest xmin age ${b.oldestXmin.age} (${b.oldestXmin.holder})`) +
      (b.maintenance.length === 0 ? "" : `; running: ${b.maintenance.join(", ")}`),
  );
}
