/**
 * A large task table for the browse plans (pg-browse-plans.test.ts checks them, pg-browse-explain.ts
 * prints them at 1M rows): finished rows as a drain leaves them, plus a backlog, loaded with one
 * `INSERT … SELECT generate_series` each, and the list shapes the dashboard sends.
 */
import type postgres from "postgres";
import type { ListTasksParams, ResultStatus, TaskFilter } from "@tasks/core/backend";

/** When the loaded tasks were enqueued: one every {@link LOAD_SPACING_MS} from here (finished rows), then the backlog. */
export const LOAD_START = new Date("2031-01-01T00:00:00Z");
/** 600 ms: a million finished tasks span a week, and the last hour holds 6,000 of them. */
export const LOAD_SPACING_MS = 600;
/** Task names and queues of the loaded rows, three each. */
export const LOAD_NAMES = ["load.a", "load.b", "load.c"];
export const LOAD_QUEUES = ["default", "emails", "reports"];

/**
 * Loads `finished` rows into tasks_results (90% SUCCESSFUL, 8% FAILED, 2% CANCELLED, each
 * finished a second after its enqueue, in enqueue order) and `ready` READY rows into
 * tasks_queue, all of alias `backend`, with UUIDv7 ids in enqueue order as `enqueue` makes
 * them, and arguments holding a user (one of 5,000) and an order with a unique SKU
 * (`sku-<n>`); then VACUUM ANALYZE of both tables.
 */
export async function loadTasks(client: postgres.Sql, backend: string, finished: number, ready: number): Promise<void> {
  const rows = (table: string, from: number, to: number, status: string, finishedAt: string) =>
    client.unsafe(
      `INSERT INTO ${table} (id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at, started_at,
         finished_at, last_attempted_at, attempts, max_attempts, identity_hash, return_value, errors)
       SELECT (lpad(to_hex((extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text), 4, 15))::uuid,
         $1, (ARRAY['load.a','load.b','load.c'])[1 + i % 3], (ARRAY['default','emails','reports'])[1 + (i / 3) % 3], 0,
         jsonb_build_array(jsonb_build_object('user', 'u' || (i % 5000), 'order', jsonb_build_object('sku', 'sku-' || i, 'lines', jsonb_build_array(i % 7, i % 11)))),
         ${status}, e.at, e.at, ${finishedAt === "NULL" ? "NULL" : "e.at"}, ${finishedAt}, ${finishedAt === "NULL" ? "NULL" : "e.at"},
         ${finishedAt === "NULL" ? 0 : 1}, 1, md5(i::text), ${finishedAt === "NULL" ? "NULL" : "'null'"},
         CASE WHEN (${status}) = 'FAILED' THEN '[{"className":"Error","message":"boom","stack":"Error: boom"}]'::jsonb ELSE '[]'::jsonb END
       FROM generate_series(${from}, ${to}) AS i, LATERAL (SELECT $2::timestamptz + i * $3::integer * interval '1 millisecond' AS at) AS e`,
      [backend, LOAD_START.toISOString(), LOAD_SPACING_MS],
    );
  if (finished > 0) {
    await rows("tasks_results", 1, finished, "CASE WHEN i % 50 < 4 THEN 'FAILED' WHEN i % 50 = 4 THEN 'CANCELLED' ELSE 'SUCCESSFUL' END", "e.at + interval '1 second'");
  }
  if (ready > 0) await rows("tasks_queue", finished + 1, finished + ready, "'READY'", "NULL");
  await client`VACUUM ANALYZE tasks_results`;
  await client`VACUUM ANALYZE tasks_queue`;
}

/** The time a loaded task `i` was enqueued. */
export function loadedAt(i: number): Date {
  return new Date(LOAD_START.getTime() + i * LOAD_SPACING_MS);
}

/** One list the dashboard may send, with a title. */
export interface ListShape {
  readonly title: string;
  readonly params: ListTasksParams;
}

/**
 * Every list shape over the loaded rows: both orders and directions, from the start and from a
 * cursor in the middle, unfiltered and with each filter (statuses, queue, name, time range,
 * ids, a rare and a common argument value, over every status and among failures).
 */
export function listShapes(backend: string, finished: number): ListShape[] {
  const middle = Math.floor(finished / 2);
  const filters: [string, TaskFilter][] = [
    ["no filter", {}],
    ["FAILED", { statuses: ["FAILED"] as ResultStatus[] }],
    ["SUCCESSFUL", { statuses: ["SUCCESSFUL"] as ResultStatus[] }],
    ["READY", { statuses: ["READY"] as ResultStatus[] }],
    ["one queue", { queues: ["emails"] }],
    ["one task name", { taskNames: ["load.b"] }],
    ["FAILED of one task name", { statuses: ["FAILED"] as ResultStatus[], taskNames: ["load.b"] }],
    ["a 10-minute window", { from: loadedAt(middle), until: new Date(loadedAt(middle).getTime() + 600_000) }],
    ["search a rare value (one SKU)", { argsValue: `sku-${middle + 7}` }],
    ["search a common value (a user)", { argsValue: "u42" }],
    // Task middle + 1 failed (i % 50 < 4), and user u1's tasks all failed (i % 50 = 1).
    ["FAILED, search a rare value (one SKU)", { statuses: ["FAILED"] as ResultStatus[], argsValue: `sku-${middle + 1}` }],
    ["FAILED or CANCELLED, search a common value (a user)", { statuses: ["FAILED", "CANCELLED"] as ResultStatus[], argsValue: "u1" }],
    ["ids", { ids: ["00000000-0000-7000-8000-000000000000"] }],
  ];
  const shapes: ListShape[] = [];
  for (const order of ["enqueued", "finished"] as const) {
    for (const direction of ["desc", "asc"] as const) {
      for (const [name, filter] of filters) {
        for (const paged of [false, true]) {
          const cursorAt = loadedAt(middle);
          const after = paged ? { id: `${cursorAt.getTime().toString(16).padStart(12, "0").replace(/^(.{8})(.{4})$/, "$1-$2")}-7000-8000-000000000000`, finishedAt: order === "finished" ? new Date(cursorAt.getTime() + 1000) : null } : null;
          shapes.push({
            title: `${order} ${direction}, ${name}${paged ? ", next page" : ""}`,
            params: { backend, filter, order, direction, limit: 50, after },
          });
        }
      }
    }
  }
  return shapes;
}
