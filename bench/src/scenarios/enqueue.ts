import { withFreshDatabase } from "../db.js";
import { chunks, payloads } from "../payload.js";
import { errorText, secondsSince, type Scenario } from "./context.js";

const SINGLE_COUNT = 5_000;
const BULK_COUNT = 50_000;

async function measureEnqueue(
  ctx: Parameters<Scenario>[0],
  row: string,
  count: number,
  enqueue: (session: Awaited<ReturnType<typeof ctx.adapter.open>>) => Promise<void>,
): Promise<void> {
  const { adapter, table } = ctx;
  try {
    await withFreshDatabase(adapter.lib, async (db) => {
      const session = await adapter.open(db.url, db.sql);
      try {
        const start = performance.now();
        await enqueue(session);
        const seconds = secondsSince(start);
        const stored = await session.stored();
        if (stored.rows !== count || stored.distinctN !== count) {
          table.add(row, "tasks/s", "higher", adapter.lib, {
            value: null,
            failed: `stored ${stored.rows} rows with ${stored.distinctN} distinct tasks, expected ${count}`,
          });
          return;
        }
        table.add(row, "tasks/s", "higher", adapter.lib, { value: count / seconds });
        ctx.log(`${row} ${adapter.lib}: ${Math.round(count / seconds)} tasks/s`);
      } finally {
        await session.close();
      }
    });
  } catch (error) {
    table.add(row, "tasks/s", "higher", adapter.lib, { value: null, failed: errorText(error) });
  }
}

/** 5,000 tasks, one awaited single-task call at a time. */
export const enqueueSingle: Scenario = (ctx) =>
  measureEnqueue(ctx, "enqueue_single", SINGLE_COUNT, async (session) => {
    for (const payload of payloads(SINGLE_COUNT)) await session.enqueueOne(payload);
  });

/** 50,000 tasks through the bulk call, in chunks of the adapter's `bulkChunk`. */
export const enqueueBulk: Scenario = (ctx) =>
  measureEnqueue(ctx, "enqueue_bulk", BULK_COUNT, async (session) => {
    for (const batch of chunks(payloads(BULK_COUNT), ctx.adapter.bulkChunk)) await session.enqueueMany(batch);
  });
