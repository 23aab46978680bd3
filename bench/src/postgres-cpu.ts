import { readdirSync, readFileSync } from "node:fs";
import type postgres from "postgres";

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ, 100 on Linux). */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * utime + stime of every process whose name starts with "postgres", plus the CPU of its children
 * that have exited (cutime + cstime: the postmaster's count of the backends it reaped, so a
 * connection closed during a measurement still counts), in clock ticks (Linux only).
 */
export function postgresTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("postgres")) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks;
}

/** The server's current WAL position, to pass to {@link walBytesSince}. */
export async function walPosition(sql: postgres.Sql): Promise<string> {
  const [row] = await sql<{ lsn: string }[]>`SELECT pg_current_wal_lsn()::text AS lsn`;
  return row!.lsn;
}

/** WAL bytes the server wrote since `position` (from {@link walPosition}). */
export async function walBytesSince(sql: postgres.Sql, position: string): Promise<number> {
  const [row] = await sql<{ bytes: string }[]>`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ${position}::pg_lsn)::text AS bytes`;
  return Number(row!.bytes);
}

/** Where the server's WAL and CPU stood when a measured phase began. */
export interface ServerCostStart {
  readonly wal: string;
  readonly ticks: number;
}

/** Notes the server's WAL position and CPU ticks, to take before a phase. */
export async function serverCostFrom(sql: postgres.Sql): Promise<ServerCostStart> {
  return { wal: await walPosition(sql), ticks: postgresTicks() };
}

/** What the server spent since `start`: CPU of every Postgres process in µs, and WAL bytes. */
export async function serverCostSince(sql: postgres.Sql, start: ServerCostStart): Promise<{ cpuUs: number; walBytes: number }> {
  const cpuUs = ((postgresTicks() - start.ticks) / CLOCK_TICKS_PER_SECOND) * 1e6;
  return { cpuUs, walBytes: await walBytesSince(sql, start.wal) };
}
