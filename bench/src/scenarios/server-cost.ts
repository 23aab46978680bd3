import type postgres from "postgres";
import { CLOCK_TICKS_PER_SECOND, postgresTicks, walBytesSince, walPosition } from "../postgres-cpu.js";
import type { ScenarioContext } from "./context.js";

/** Where the server's WAL and CPU stood when a measured run began. */
export interface ServerCostStart {
  readonly wal: string;
  readonly ticks: number;
}

/** Notes the server's WAL position and CPU ticks, to take before a run. */
export async function serverCostFrom(sql: postgres.Sql): Promise<ServerCostStart> {
  return { wal: await walPosition(sql), ticks: postgresTicks() };
}

/**
 * Adds what the server spent per task since `start`: WAL bytes and the CPU of every Postgres
 * process (with the backends that exited). Both count the benchmark's own progress queries,
 * the same few per second for every library; the WAL after a CHECKPOINT includes full-page
 * images, so compare libraries in one run, not with `bench/sql` figures.
 */
export async function addServerCostRows(ctx: ScenarioContext, row: string, start: ServerCostStart, sql: postgres.Sql, tasks: number): Promise<void> {
  const cpuUs = ((postgresTicks() - start.ticks) / CLOCK_TICKS_PER_SECOND) * 1e6;
  const walBytes = await walBytesSince(sql, start.wal);
  ctx.table.add(`${row}: Postgres WAL per task`, "bytes", "lower", ctx.adapter.lib, { value: walBytes / tasks });
  ctx.table.add(`${row}: Postgres CPU per task`, "µs", "lower", ctx.adapter.lib, { value: cpuUs / tasks });
}
