import type { LibSession } from "../adapters/types.js";
import { withFreshDatabase } from "../db.js";
import { chunks, payloads } from "../payload.js";
import type { Figure } from "../results.js";
import { errorText, type Scenario, type ScenarioContext } from "./context.js";
import { runWorkers, type WorkerRunOutcome } from "./run-workers.js";
import { serverCostFrom } from "../postgres-cpu.js";
import { addServerCostRows } from "./server-cost.js";
import { addWorkerMemoryRows, measureFloor } from "./worker-memory.js";

/** Tasks per drain run. */
export const DRAIN_COUNT = 50_000;
/** A drain run that has not finished by then reports the rate it reached, marked capped. */
export const DRAIN_DEADLINE_MS = 75_000;

/** First-20k rates of `drain` runs by library and profile, for the backlog comparison. */
export const firstRates = new Map<string, number>();

/** Queues `count` tasks with the library's bulk call (not timed). */
export async function queueWithBulk(ctx: ScenarioContext, session: LibSession, count: number): Promise<void> {
  for (const batch of chunks(payloads(count), ctx.adapter.bulkChunk)) await session.enqueueMany(batch);
}

/** The figure for a finished (or capped) drain run. */
export function drainFigure(outcome: WorkerRunOutcome, total: number): Figure {
  if (outcome.problem) return { value: null, failed: outcome.problem };
  const done = outcome.capped ? outcome.progress.succeeded : total;
  const value = done / outcome.seconds;
  return outcome.capped ? { value, note: `capped: ${done}/${total} in ${outcome.seconds.toFixed(0)} s` } : { value };
}

async function drainOnce(ctx: ScenarioContext, profileName: string, procs: number): Promise<void> {
  const { adapter, table } = ctx;
  const row = procs === 1 ? `drain (${profileName})` : `drain_${procs}proc (${profileName})`;
  const profile = adapter.profiles[profileName];
  if (!profile) return;
  try {
    await withFreshDatabase(adapter.lib, async (db) => {
      const session = await adapter.open(db.url, db.sql);
      try {
        await queueWithBulk(ctx, session, DRAIN_COUNT);
        await db.sql`VACUUM ANALYZE`;
        await db.sql`CHECKPOINT`;
        const cost = await serverCostFrom(db.sql);
        const outcome = await runWorkers(ctx, {
          session,
          target: db.url,
          profile,
          procs,
          total: DRAIN_COUNT,
          deadlineMs: DRAIN_DEADLINE_MS,
          until: "all",
        });
        const figure = drainFigure(outcome, DRAIN_COUNT);
        table.add(row, "tasks/s", "higher", adapter.lib, figure);
        ctx.log(`${row} ${adapter.lib}: ${figure.failed ?? Math.round(figure.value ?? 0)} ${figure.note ?? ""}`);
        if (figure.value !== null && !outcome.capped) await addServerCostRows(ctx, row, cost, db.sql, DRAIN_COUNT);
        if (procs === 1) {
          if (outcome.reachedSeconds !== undefined) firstRates.set(`${adapter.lib}/${profileName}`, 20_000 / outcome.reachedSeconds);
          const memory = outcome.reports[0]?.memory;
          if (memory) addWorkerMemoryRows(ctx, `(${profileName})`, memory);
          else table.add(`worker RSS after drain (${profileName})`, "MB", "lower", adapter.lib, { value: outcome.reports[0]!.rss / 2 ** 20 });
        }
      } finally {
        await session.close();
      }
    });
  } catch (error) {
    table.add(row, "tasks/s", "higher", adapter.lib, { value: null, failed: errorText(error) });
  }
}

/** 50,000 queued no-op tasks, one worker process, with default and tuned settings. */
export const drain: Scenario = async (ctx) => {
  for (const profile of Object.keys(ctx.adapter.profiles)) await drainOnce(ctx, profile, 1);
  await measureFloor(ctx);
};

/** The same with two worker processes. */
export const drain2proc: Scenario = async (ctx) => {
  for (const profile of Object.keys(ctx.adapter.profiles)) await drainOnce(ctx, profile, 2);
};
