/**
 * The worker's hot-path statements (claim, batched completion) as fixed SQL texts run as
 * prepared statements on the postgres.js client: the server plans each text once per
 * connection instead of on every call, and no query builder runs per claim. Values are
 * always bound parameters. Rows come back in array mode and are mapped by position, so a
 * client-side column-name transform cannot change them.
 */
import type postgres from "postgres";
import type { ClaimParams, Completion, QueueSelector, ResultStatus, TaskRecord } from "@tasks/core/backend";
import { sortClaimOrder } from "../shared/rows.js";

const RETURNED = [
  "id",
  "backend",
  "task_name",
  "queue_name",
  "priority",
  "args",
  "status",
  "run_after",
  "enqueued_at",
  "started_at",
  "finished_at",
  "last_attempted_at",
  "attempts",
  "max_attempts",
  "worker_ids",
  "errors",
  "return_value",
  "lease_expires_at",
  "identity_hash",
  "unique_key",
] as const;

type RawValue = string | number | null | unknown[] | Record<string, unknown>;

/** A timestamptz as Postgres sends it (drizzle's client setup leaves it as text). */
function date(value: RawValue): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value as string);
}

function json<T>(value: RawValue): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

/** A returned row (columns in {@link RETURNED} order) as a plain record. */
function recordOf(row: RawValue[]): TaskRecord {
  return {
    id: row[0] as string,
    backend: row[1] as string,
    taskName: row[2] as string,
    queueName: row[3] as string,
    priority: Number(row[4]),
    args: json(row[5] as RawValue),
    status: row[6] as ResultStatus,
    runAfter: date(row[7] as RawValue),
    enqueuedAt: date(row[8] as RawValue) as Date,
    startedAt: date(row[9] as RawValue),
    finishedAt: date(row[10] as RawValue),
    lastAttemptedAt: date(row[11] as RawValue),
    attempts: Number(row[12]),
    maxAttempts: Number(row[13]),
    workerIds: json(row[14] as RawValue),
    errors: json(row[15] as RawValue),
    returnValue: json(row[16] as RawValue) ?? null,
    leaseExpiresAt: date(row[17] as RawValue),
    identityHash: row[18] as string,
    uniqueKey: row[19] as string | null,
  };
}

/** One claim query shape: which optional predicates it has. */
interface ClaimShape {
  readonly queue: "all" | "one" | "any" | "none-of" | "any-but";
  readonly byIds: boolean;
  readonly ignoreRunAfter: boolean;
}

const claimTexts = new Map<string, string>();

/** The claim SQL for a shape; $1 backend, $2 now, $3 limit, $4 worker id (jsonb), $5 lease expiry, then queue/ids params. */
function claimText(shape: ClaimShape): string {
  const key = `${shape.queue}|${shape.byIds}|${shape.ignoreRunAfter}`;
  let text = claimTexts.get(key);
  if (text) return text;
  const where = ["backend = $1", "status = 'READY'"];
  if (!shape.ignoreRunAfter) where.push("(run_after IS NULL OR run_after <= $2::timestamptz)");
  let next = 6;
  // A single queue as `=` lets the planner walk the per-queue claim index in order.
  if (shape.queue === "one") where.push(`queue_name = $${next++}`);
  else if (shape.queue === "any") where.push(`queue_name = ANY($${next++}::text[])`);
  else if (shape.queue === "none-of") where.push(`NOT (queue_name = ANY($${next++}::text[]))`);
  else if (shape.queue === "any-but") where.push(`queue_name = ANY($${next++}::text[]) AND NOT (queue_name = ANY($${next++}::text[]))`);
  if (shape.byIds) where.push(`id = ANY($${next++}::uuid[])`);
  text = `WITH ready AS (
      SELECT id FROM tasks_results WHERE ${where.join(" AND ")}
      ORDER BY priority DESC, runnable_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
    UPDATE tasks_results AS t SET status = 'RUNNING', attempts = t.attempts + 1, worker_ids = t.worker_ids || $4::jsonb,
      started_at = coalesce(t.started_at, $2::timestamptz), last_attempted_at = $2::timestamptz, lease_expires_at = $5::timestamptz
    FROM ready WHERE t.id = ready.id
    RETURNING ${RETURNED.map((column) => `t.${column}`).join(", ")}`;
  claimTexts.set(key, text);
  return text;
}

/** A Postgres array literal (passed as one text parameter). */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

function queueParams(queues: QueueSelector): { queue: ClaimShape["queue"]; values: string[] } | null {
  if (queues.include === "*") {
    return queues.exclude.length === 0 ? { queue: "all", values: [] } : { queue: "none-of", values: [arrayLiteral(queues.exclude)] };
  }
  const include = queues.include.filter((name) => !queues.exclude.includes(name));
  if (include.length === 0) return null;
  return include.length === 1 ? { queue: "one", values: [include[0] as string] } : { queue: "any", values: [arrayLiteral(include)] };
}

/** Claims up to `limit` READY tasks in one prepared statement; returns them in claim order. */
export async function claimPrepared(client: postgres.Sql, params: ClaimParams): Promise<TaskRecord[]> {
  const queue = queueParams(params.queues);
  if (!queue || (params.ids !== undefined && params.ids.length === 0)) return [];
  const shape: ClaimShape = { queue: queue.queue, byIds: params.ids !== undefined, ignoreRunAfter: params.ignoreRunAfter === true };
  const values: RawValue[] = [
    params.backend,
    params.now.toISOString(),
    params.limit,
    JSON.stringify([params.workerId]),
    new Date(params.now.getTime() + params.leaseMs).toISOString(),
    ...queue.values,
    ...(params.ids ? [arrayLiteral(params.ids)] : []),
  ];
  const rows = (await client.unsafe(claimText(shape), values as never[], { prepare: true }).values()) as unknown as RawValue[][];
  return sortClaimOrder(rows.map(recordOf));
}

const COMPLETE_TEXT = `UPDATE tasks_results AS t SET
    status = v.status,
    return_value = CASE WHEN v.status = 'SUCCESSFUL' THEN v.return_value ELSE t.return_value END,
    errors = CASE WHEN v.error IS NULL THEN t.errors ELSE t.errors || jsonb_build_array(v.error) END,
    finished_at = CASE WHEN v.status = 'READY' THEN NULL ELSE $2::timestamptz END,
    run_after = CASE WHEN v.status = 'READY' THEN v.run_after ELSE t.run_after END,
    runnable_at = CASE WHEN v.status = 'READY' THEN v.run_after ELSE t.runnable_at END,
    lease_expires_at = NULL
  FROM jsonb_to_recordset($3::jsonb)
    AS v(id uuid, attempt integer, status text, return_value jsonb, error jsonb, run_after timestamptz)
  WHERE t.id = v.id AND t.backend = $1 AND t.attempts = v.attempt AND t.status = 'RUNNING'
  RETURNING t.id`;

/** Attempt outcomes as JSON rows for `jsonb_to_recordset`. */
export function completionRows(completions: readonly Completion[]): string {
  return JSON.stringify(
    completions.map(({ id, attempt, outcome }) => ({
      id,
      attempt,
      status: outcome.status,
      return_value: outcome.status === "SUCCESSFUL" ? outcome.returnValue : null,
      error: outcome.status === "SUCCESSFUL" ? null : outcome.error,
      run_after: outcome.status === "READY" ? outcome.runAfter.toISOString() : null,
    })),
  );
}

/** Writes many outcomes in one prepared statement, each only where still RUNNING under the same attempt. */
export async function completePrepared(client: postgres.Sql, backend: string, now: Date, completions: readonly Completion[]): Promise<string[]> {
  if (completions.length === 0) return [];
  const rows = (await client.unsafe(COMPLETE_TEXT, [backend, now.toISOString(), completionRows(completions)], { prepare: true }).values()) as unknown as string[][];
  return rows.map((row) => row[0] as string);
}
