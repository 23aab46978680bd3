import { writeFileSync } from "node:fs";
import { startChildren } from "../children.js";
import { withFreshDatabase } from "../db.js";
import { wallMs } from "../payload.js";
import { percentile } from "../results.js";
import { errorText, sleep, type Scenario, type ScenarioContext } from "./context.js";
import { checkExactlyOnce } from "./run-workers.js";

const COUNT = 300;
const RATE_PER_S = 50;
const IDLE_MS = 1_000;
const SETTLE_DEADLINE_MS = 15_000;

async function latencyOnce(ctx: ScenarioContext, profileName: string): Promise<void> {
  const { adapter, table } = ctx;
  const profile = adapter.profiles[profileName];
  if (!profile) return;
  const rows = ["p50", "p95", "p99"].map((p) => `latency ${p} (${profileName})`);
  try {
    await withFreshDatabase(adapter.lib, async (db) => {
      const session = await adapter.open(db.url, db.sql);
      const [child] = await startChildren(1, adapter.lib, db.url, profile, ctx.childExecArgv);
      let stopped = false;
      try {
        child!.go();
        await sleep(IDLE_MS);
        // Diagnostic (BENCH_LATENCY_TRACE, as in worker-main.ts): how long each enqueue call took.
        const enqueueTimes: string[] | null = process.env.BENCH_LATENCY_TRACE ? [] : null;
        const start = performance.now();
        for (let n = 1; n <= COUNT; n++) {
          const due = start + ((n - 1) * 1000) / RATE_PER_S;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          const t = wallMs();
          await session.enqueueOne({ n, t });
          if (enqueueTimes) enqueueTimes.push(`enqueue ${n} ${t.toFixed(2)} ${(wallMs() - t).toFixed(2)}`);
        }
        if (enqueueTimes) writeFileSync(`${process.env.BENCH_LATENCY_TRACE}.enqueue.${adapter.lib}.${profileName}`, enqueueTimes.join("\n") + "\n");
        const deadline = performance.now() + SETTLE_DEADLINE_MS;
        let progress = await session.progress(COUNT);
        while (progress.succeeded + progress.failed < COUNT && performance.now() < deadline) {
          await sleep(100);
          progress = await session.progress(COUNT);
        }
        const report = await child!.stop();
        stopped = true;
        const problem = checkExactlyOnce([report], COUNT, await session.progress(COUNT), false);
        if (problem) {
          for (const row of rows) table.add(row, "ms", "lower", adapter.lib, { value: null, failed: problem });
          return;
        }
        if (report.seen.length < COUNT) {
          // Too slow to be measured here (e.g. one task per poll), which is not a lost task.
          const note = `only ${report.seen.length}/${COUNT} started within ${SETTLE_DEADLINE_MS / 1000} s of the last enqueue`;
          for (const row of rows) table.add(row, "ms", "lower", adapter.lib, { value: null, note });
          ctx.log(`latency (${profileName}) ${adapter.lib}: ${note}`);
          return;
        }
        const values = [50, 95, 99].map((p) => percentile(report.latencies, p));
        rows.forEach((row, i) => table.add(row, "ms", "lower", adapter.lib, { value: values[i]! }));
        ctx.log(`latency (${profileName}) ${adapter.lib}: p50 ${values[0]!.toFixed(1)} p95 ${values[1]!.toFixed(1)} p99 ${values[2]!.toFixed(1)} ms`);
      } finally {
        if (!stopped) child!.kill();
        await session.close();
      }
    });
  } catch (error) {
    for (const row of rows) table.add(row, "ms", "lower", adapter.lib, { value: null, failed: errorText(error) });
  }
}

/** An idle worker; 300 tasks enqueued at about 50/s; enqueue-to-start percentiles. */
export const latency: Scenario = async (ctx) => {
  for (const profile of Object.keys(ctx.adapter.profiles)) await latencyOnce(ctx, profile);
};
