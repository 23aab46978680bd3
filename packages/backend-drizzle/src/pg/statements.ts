/**
 * The hot-path statements — claim, batched completion, insert — as fixed SQL texts, each
 * written once. New tasks go into `tasks_queue`; a finishing completion moves its rows to
 * `tasks_results` (moves.ts). On the backend's postgres.js client they run as prepared statements (planned
 * once per connection, no query builder per call); inside a transaction, or on another
 * Drizzle driver, the same text runs through Drizzle with the same bound parameters. Rows are
 * read by position (raw-rows.ts), so a client-side column-name transform cannot change them.
 */
import type postgres from "postgres";
import type { ClaimParams, Completion, NewTaskRecord, QueueSelector, TaskRecord } from "@tasks/core/backend";
import { RowReader, type UnreadableRow } from "../shared/decode.js";
import { sortClaimOrder, taskNameList } from "../shared/rows.js";
import type { PgDb } from "./db.js";
import {
  CLAIM_RETURNED,
  claimedRecordOf,
  completionRows,
  FIRST_HISTORY_COLUMN,
  firstColumn,
  JSON_COLUMNS,
  newTaskRows,
  perTaskRows,
  sharedColumns,
  successParams,
  type RawValue,
} from "./raw-rows.js";
import { errorsPlus, moveText, stillHeld } from "./moves.js";
import { isAfter, RESUME_LAG_MS, type ClaimCursors, type ClaimKey } from "./claim-cursor.js";
import { runRows } from "./run-sql.js";
import { setAsideRows } from "./set-aside.js";

const CLAIM_RETURNING = CLAIM_RETURNED.map((column, index) => {
  const value = JSON_COLUMNS.has(column) ? `t.${column}::text` : `t.${column}`;
  // The runnable time as ms since the epoch (a number: no date text to parse per row).
  if (column === "runnable_at") return `(extract(epoch FROM t.runnable_at) * 1000)::float8 AS runnable_at`;
  return index < FIRST_HISTORY_COLUMN ? `${value} AS ${column}` : `CASE WHEN t.attempts > 1 THEN ${value} END AS ${column}`;
}).join(", ");

/** How many times one claim sets unreadable rows aside and claims again for the places they took. */
const SET_ASIDE_ROUNDS = 5;

/** One claim query shape: which optional predicates it has. */
interface ClaimShape {
  readonly queue: "all" | "one" | "any" | "none-of" | "any-but";
  readonly byIds: boolean;
  readonly byNames: boolean;
  readonly ignoreRunAfter: boolean;
  /** Resumes after a cursor (claim-cursor.ts): its rank, runnable time and id are the last three parameters. */
  readonly resumed: boolean;
}

const claimTexts = new Map<string, string>();

/** The claim SQL for a shape; $1 backend, $2 now, $3 limit, $4 worker id (jsonb), $5 lease expiry, then queue/ids/names params. */
function claimText(shape: ClaimShape): string {
  const key = `${shape.queue}|${shape.byIds}|${shape.byNames}|${shape.ignoreRunAfter}|${shape.resumed}`;
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
  // A filter on the rows the claim index yields in order, like run_after: the walk stays on
  // the index and stops after `limit` matches (no index has task_name, so none competes).
  if (shape.byNames) where.push(`task_name = ANY($${next++}::text[])`);
  // One row comparison over the index's trailing columns: the walk starts at the cursor.
  if (shape.resumed) where.push(`((-priority), runnable_at, id) > ($${next++}::integer, to_timestamp(($${next++}::float8 - ${RESUME_LAG_MS}) / 1000), '${MIN_UUID}'::uuid)`);
  // The UPDATE finds its rows by primary key from the locked ids (never a join the planner
  // could turn into a scan of a bloated table).
  text = `WITH ready AS (
      SELECT id FROM tasks_queue WHERE ${where.join(" AND ")}
      ORDER BY (-priority), runnable_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
    UPDATE tasks_queue AS t SET status = 'RUNNING', attempts = greatest(t.attempts, 0) + 1, worker_ids = t.worker_ids || $4::jsonb,
      started_at = coalesce(t.started_at, $2::timestamptz), last_attempted_at = $2::timestamptz, lease_expires_at = $5::timestamptz
    WHERE t.id = ANY(ARRAY(SELECT id FROM ready))
    RETURNING ${CLAIM_RETURNING}`;
  claimTexts.set(key, text);
  return text;
}

/** The smallest UUID: a resumed claim starts before every id of its runnable time. */
const MIN_UUID = "00000000-0000-0000-0000-000000000000";

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

/** Array literals of the task-name lists seen, by list: a worker passes the same frozen list to every claim. */
const nameLiterals = new WeakMap<readonly string[], string>();

function namesLiteral(names: readonly string[]): string {
  let literal = nameLiterals.get(names);
  if (literal === undefined) nameLiterals.set(names, (literal = arrayLiteral(names)));
  return literal;
}

/** The claim's SQL text and parameters (null when nothing can match); also used to EXPLAIN it. */
export function claimQuery(params: ClaimParams, resumeAfter: ClaimKey | null = null): { text: string; values: RawValue[] } | null {
  const queue = queueParams(params.queues);
  const names = taskNameList("claim()", params.taskNames);
  if (!queue || (params.ids !== undefined && params.ids.length === 0) || names?.length === 0) return null;
  const shape: ClaimShape = {
    queue: queue.queue,
    byIds: params.ids !== undefined,
    byNames: names !== undefined,
    ignoreRunAfter: params.ignoreRunAfter === true,
    resumed: resumeAfter !== null,
  };
  const values: RawValue[] = [
    params.backend,
    params.now.toISOString(),
    params.limit,
    JSON.stringify([params.workerId]),
    new Date(params.now.getTime() + params.leaseMs).toISOString(),
    ...queue.values,
    ...(params.ids ? [arrayLiteral(params.ids)] : []),
    ...(names ? [namesLiteral(names)] : []),
    ...(resumeAfter ? [resumeAfter.rank, resumeAfter.runnableAtMs] : []),
  ];
  return { text: claimText(shape), values };
}

/** Where a claim resumes, and where it records how far it got; see claim-cursor.ts. */
export interface ClaimResume {
  readonly cursors: ClaimCursors;
  /** Names the claimer: its backend alias, worker, queues and task names. */
  readonly claimer: string;
}

/**
 * Claims up to `limit` READY tasks in one statement: a CTE picks ids in claim order with
 * `FOR UPDATE SKIP LOCKED`, the UPDATE marks them RUNNING. Returns them in claim order. With
 * `resume`, the walk starts at the claimer's cursor when it has one. A claimed row that
 * cannot be read (written by other code) is set aside as FAILED, and the claim runs again for
 * the places such rows took (a few rounds at most).
 */
export async function claimTasks(db: PgDb, client: postgres.Sql | null, params: ClaimParams, resume: ClaimResume | null = null): Promise<TaskRecord[]> {
  const resumeAfter = resume?.cursors.resumeAfter(resume.claimer) ?? null;
  const query = claimQuery(params, resumeAfter);
  if (!query) return [];
  const leaseExpiresAt = new Date(params.now.getTime() + params.leaseMs);
  const claimed: TaskRecord[] = [];
  let furthest: ClaimKey | null = null;
  let values = query.values;
  for (let round = 0; ; round++) {
    const unreadable: UnreadableRow[] = [];
    const records = await runRows(db, client, query.text, values, CLAIM_RETURNED, (row) => {
      const read = new RowReader();
      const record = claimedRecordOf(row, params, leaseExpiresAt, read);
      if (read.problems) unreadable.push({ record, problems: read.problems });
      else if (resume) {
        const key = claimKeyOf(record, row);
        if (key && (!furthest || isAfter(key, furthest))) furthest = key;
      }
      return record;
    });
    if (unreadable.length === 0) {
      claimed.push(...records);
      break;
    }
    const setAside = new Set(unreadable.map((row) => row.record));
    for (const record of records) if (!setAside.has(record)) claimed.push(record);
    await setAsideRows(db, client, params.backend, params.now, unreadable);
    const missing = params.limit - claimed.length;
    if (missing === 0 || round === SET_ASIDE_ROUNDS) break;
    values = values.map((value, index) => (index === 2 ? missing : value));
  }
  resume?.cursors.claimed(resume.claimer, furthest, resumeAfter === null);
  return sortClaimOrder(claimed);
}

/** The claim-order key of a claimed row (its runnable time is the last column returned). */
function claimKeyOf(record: TaskRecord, row: RawValue[]): ClaimKey | null {
  const ms = Number(row[RUNNABLE_AT_COLUMN]);
  return Number.isFinite(ms) ? { rank: -record.priority, runnableAtMs: ms, id: record.id } : null;
}

const RUNNABLE_AT_COLUMN = CLAIM_RETURNED.indexOf("runnable_at");

/**
 * The common batch, where every attempt succeeded: each row still RUNNING under its attempt
 * moves to the results table with its return value, in one statement. $3 the ids (uuid[]),
 * $4 a JSON object of `[attempt, return value]` by id.
 */
const SUCCEED_TEXT = moveText({
  where: stillHeld("$3::uuid[]", "$4::jsonb"),
  carry: "$4::jsonb -> q.id::text -> 1 AS new_return_value",
  set: { status: "'SUCCESSFUL'", return_value: "d.new_return_value", finished_at: "$2::timestamptz", lease_expires_at: "NULL" },
});

/**
 * Any mix of outcomes, from the JSON rows in $3: SUCCESSFUL and FAILED rows move to the
 * results table; a retry (READY) stays in the queue with its new runnable time. Each only
 * where the row is still RUNNING under the same attempt.
 */
const COMPLETE_TEXT = `WITH v AS (
    SELECT * FROM jsonb_to_recordset($3::jsonb) AS v(id uuid, attempt integer, status text, return_value jsonb, error jsonb, run_after timestamptz)
  ), ${moveText(
    {
      where:
        "q.id = ANY(ARRAY(SELECT id FROM v WHERE status <> 'READY')) AND q.backend = $1 AND q.status = 'RUNNING' " +
        "AND EXISTS (SELECT 1 FROM v WHERE v.id = q.id AND v.attempt = q.attempts AND v.status <> 'READY')",
      // One batch can hold two attempts of one task (a worker that lost a claim and took the
      // task again): each row takes the outcome of its own attempt.
      carry: "(SELECT to_jsonb(v) FROM v WHERE v.id = q.id AND v.attempt = q.attempts AND v.status <> 'READY' LIMIT 1) AS outcome",
      set: {
        status: "d.outcome->>'status'",
        return_value: "CASE WHEN d.outcome->>'status' = 'SUCCESSFUL' THEN d.outcome->'return_value' ELSE d.return_value END",
        errors: `CASE WHEN jsonb_typeof(d.outcome->'error') = 'object' THEN ${errorsPlus("d.errors", "d.outcome->'error'")} ELSE d.errors END`,
        finished_at: "$2::timestamptz",
        lease_expires_at: "NULL",
      },
    },
    "moved",
  )}, retried AS (
    UPDATE tasks_queue AS t SET status = 'READY', errors = ${errorsPlus("t.errors", "v.error")},
      run_after = v.run_after, runnable_at = v.run_after, finished_at = NULL, lease_expires_at = NULL
    FROM v WHERE t.id = ANY(ARRAY(SELECT id FROM v WHERE status = 'READY')) AND t.id = v.id AND v.status = 'READY'
      AND t.backend = $1 AND t.status = 'RUNNING' AND t.attempts = v.attempt
    RETURNING t.id
  )
  SELECT id FROM moved UNION ALL SELECT id FROM retried`;

/**
 * Writes many attempt outcomes in one statement, each only where the row is still RUNNING
 * under the same attempt number. Returns the ids that were written.
 */
export async function completeTasks(db: PgDb, client: postgres.Sql | null, backend: string, now: Date, completions: readonly Completion[]): Promise<string[]> {
  if (completions.length === 0) return [];
  const head = [backend, now.toISOString()];
  const params = completions.every(({ outcome }) => outcome.status === "SUCCESSFUL") && eachIdOnce(completions)
    ? [SUCCEED_TEXT, [...head, ...successParams(completions)]] as const
    : [COMPLETE_TEXT, [...head, completionRows(completions)]] as const;
  return runRows(db, client, params[0], params[1], ["id"], firstColumn);
}

/**
 * Whether no task appears twice. The all-succeeded statement looks outcomes up by id; a batch
 * with two attempts of one task (a worker that lost its claim and took the task again) goes
 * to the statement that matches each row's own attempt.
 */
function eachIdOnce(completions: readonly Completion[]): boolean {
  return new Set(completions.map(({ id }) => id.toLowerCase())).size === completions.length;
}

/** The channel `enqueue` notifies on; the payload is the queue name. */
export const ENQUEUED_CHANNEL = "tasks_enqueued";

const INSERT_COLUMNS = `INSERT INTO tasks_queue (id, backend, task_name, queue_name, priority, args, status, run_after, runnable_at,
      enqueued_at, attempts, max_attempts, worker_ids, errors, identity_hash, unique_key, scheduled_for, trace_context)`;

/** Every column from the JSON rows in $3. */
const FROM_FULL_ROWS = `SELECT v.id, $1, v.task_name, v.queue_name, v.priority, v.args, 'READY', v.run_after,
      coalesce(v.run_after, $2::timestamptz), $2::timestamptz, 0, v.max_attempts, '[]'::jsonb, '[]'::jsonb, v.identity_hash, v.unique_key, v.scheduled_for, v.trace_context
    FROM jsonb_to_recordset($3::jsonb) AS v(id uuid, task_name text, queue_name text, priority smallint,
      args jsonb, run_after timestamptz, max_attempts integer, identity_hash text, unique_key text, scheduled_for timestamptz, trace_context jsonb)`;

/** Shared columns from $5 task name, $6 queue, $7 priority, $8 max attempts, $9 run after; the rest from $3 (no unique key, occurrence or trace context). */
const FROM_SHARED = `SELECT v.id, $1, $5, $6, $7::smallint, v.args, 'READY', $9::timestamptz,
      coalesce($9::timestamptz, $2::timestamptz), $2::timestamptz, 0, $8::integer, '[]'::jsonb, '[]'::jsonb, v.identity_hash, NULL, NULL, NULL
    FROM jsonb_to_recordset($3::jsonb) AS v(id uuid, args jsonb, identity_hash text)`;

/** The INSERT of new READY rows (`from` supplies them), with the NOTIFY of queues $4. */
function insertText(from: string, onConflict: string, returning: string, select: string): string {
  return `WITH ins AS (
    ${INSERT_COLUMNS}
    ${from}
    ${onConflict}
    RETURNING ${returning}
  ), notified AS (
    SELECT pg_notify('${ENQUEUED_CHANNEL}', q) FROM unnest($4::text[]) AS q
  )
  SELECT ${select}, (SELECT count(*) FROM notified) AS notified FROM ins`;
}

/**
 * One statement: insert the rows (skipping those whose `unique_key` an active row holds) and
 * notify `notify` queues, which Postgres delivers when the surrounding transaction commits.
 * $1 backend, $2 now, $3 the rows as JSON, $4 the queues to notify (text[] literal). Returns
 * the ids inserted.
 */
const INSERT_UNIQUE_TEXT = insertText(
  FROM_FULL_ROWS,
  "ON CONFLICT (backend, unique_key) WHERE unique_key IS NOT NULL DO NOTHING",
  "id",
  "id",
);

/**
 * The same for rows without a unique key, which cannot conflict: no speculative insertion
 * and no ids sent back (about 10% faster for bulk enqueues). Returns one row: the count.
 */
const INSERT_PLAIN_TEXT = insertText(FROM_FULL_ROWS, "", "1", "count(*) AS inserted");

/**
 * The same again when every row shares its task, queue, priority, attempts and run time (an
 * `enqueueMany` of one task): those go as parameters, and Postgres parses only id, arguments
 * and hash per row (about 15% more rows per second).
 */
const INSERT_SHARED_TEXT = insertText(FROM_SHARED, "", "1", "count(*) AS inserted");

/**
 * Runs the insert: as a prepared statement on the backend's own postgres.js client, or
 * through the application's transaction (`db`) when enqueueing inside it. Returns the ids
 * inserted, or "all" when no task had a unique key (then every row was inserted).
 */
export async function insertRows(
  db: PgDb,
  client: postgres.Sql | null,
  backend: string,
  now: Date,
  tasks: readonly NewTaskRecord[],
  notify: readonly string[],
): Promise<Set<string> | "all"> {
  const head = [backend, now.toISOString()];
  const queues = arrayLiteral(notify);
  if (tasks.some((task) => task.uniqueKey !== null)) {
    return new Set(await runRows(db, client, INSERT_UNIQUE_TEXT, [...head, newTaskRows(tasks), queues], ["id"], firstColumn));
  }
  const shared = sharedColumns(tasks);
  const [text, params] = shared
    ? [INSERT_SHARED_TEXT, [...head, perTaskRows(tasks), queues, shared.taskName, shared.queueName, shared.priority, shared.maxAttempts, shared.runAfter]]
    : [INSERT_PLAIN_TEXT, [...head, newTaskRows(tasks), queues]];
  const [inserted] = await runRows(db, client, text, params, ["inserted"], (row) => Number(row[0]));
  if (inserted !== tasks.length) throw new Error(`Inserted ${inserted} of ${tasks.length} tasks; expected every one (none has a unique key).`);
  return "all";
}
