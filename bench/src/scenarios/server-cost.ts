import type postgres from "postgres";
import { serverCostSince, type ServerCostStart } from "../postgres-cpu.js";
import type { ScenarioContext } from "./context.js";

/**
 * Adds what the server spent per task since `start` (`serverCostFrom`): WAL bytes and the CPU
 * of every Postgres process (with the backends that exited). Both count the benchmark's own
 * progress queries, the same few per second for every library; the WAL after a CHECKPOINT
 * includes full-page images, so compare libraries in one run, not with `bench/sql` figures.
 */
export async function addServerCostRows(ctx: ScenarioContext, row: string, start: ServerCostStart, sql: postgres.Sql, tasks: number): Promise<void> {
  const { cpuUs, walBytes } = await serverCostSince(sql, start);
  ctx.table.add(`${row}: Postgres WAL per task`, "bytes", "lower", ctx.adapter.lib, { value: walBytes / tasks });
  ctx.table.add(`${row}: Postgres CPU per task`, "µs", "lower", ctx.adapter.lib, { value: cpuUs / tasks });
}
