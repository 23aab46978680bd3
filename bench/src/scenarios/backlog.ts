import { withFreshDatabase } from "../db.js";
import { errorText, type Scenario } from "./context.js";
import { firstRates } from "./drain.js";
import { runWorkers } from "./run-workers.js";

/**
 * A count from the environment for a diagnostic run (`BENCH_BACKLOG_READY`,
 * `BENCH_BACKLOG_FINISHED`), else the scenario's own; the row's name says the counts used.
 */
function countFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of tasks, 0 or more (got "${text}").`);
  return value;
}

const READY = countFromEnv("BENCH_BACKLOG_READY", 200_000);
const FINISHED = countFromEnv("BENCH_BACKLOG_FINISHED", 1_000_000);
const FIRST = 20_000;
if (READY < FIRST) throw new Error(`BENCH_BACKLOG_READY must be at least ${FIRST} (got ${READY}).`);
const DEADLINE_MS = 60_000;
const PROFILE = "tuned";

/**
 * 200,000 ready tasks (plus 1,000,000 finished rows where the library keeps finished rows),
 * loaded with one SQL statement each; the rate of the first 20,000 with tuned settings.
 */
export const backlog: Scenario = async (ctx) => {
  const { adapter, table } = ctx;
  const row = `backlog: first 20k of ${READY / 1000}k ready (${PROFILE})`;
  const profile = adapter.profiles[PROFILE];
  if (!profile) return;
  try {
    await withFreshDatabase(adapter.lib, async (db) => {
      const session = await adapter.open(db.url, db.sql);
      try {
        const keptFinished = FINISHED > 0 && (await session.loadFinished(FINISHED));
        await session.loadReady(READY);
        await db.sql`VACUUM ANALYZE`;
        const outcome = await runWorkers(ctx, {
          session,
          target: db.url,
          profile,
          procs: 1,
          total: READY,
          deadlineMs: DEADLINE_MS,
          until: "reached",
          reachAt: FIRST,
        });
        if (outcome.problem || outcome.reachedSeconds === undefined) {
          table.add(row, "tasks/s", "higher", adapter.lib, {
            value: null,
            failed: outcome.problem ?? `did not start ${FIRST} tasks within ${DEADLINE_MS / 1000} s`,
          });
          return;
        }
        const rate = FIRST / outcome.reachedSeconds;
        const baseline = firstRates.get(`${adapter.lib}/${PROFILE}`);
        const parts = [keptFinished ? `+${FINISHED / 1e6}M finished rows` : FINISHED === 0 ? "no finished rows loaded" : "no finished rows kept"];
        if (baseline) parts.push(`${Math.round((rate / baseline) * 100)}% of drain's first 20k`);
        table.add(row, "tasks/s", "higher", adapter.lib, { value: rate, note: parts.join("; ") });
        ctx.log(`backlog ${adapter.lib}: ${Math.round(rate)} tasks/s (${parts.join("; ")})`);
      } finally {
        await session.close();
      }
    });
  } catch (error) {
    table.add(row, "tasks/s", "higher", adapter.lib, { value: null, failed: errorText(error) });
  }
};
