/**
 * The hot-path statements — begin/commit, claim, completion, insert — as fixed SQL texts,
 * prepared once per connection with better-sqlite3 and reused. Building them with Drizzle's
 * query builder on every call (and letting the driver compile them again) cost more CPU than
 * SQLite's own work did. Every value is a bound parameter; only the shapes of the claim and
 * of a batch of completions (how many queues, ids or rows are listed) vary, and each shape is
 * prepared once. Rows are read by position (raw-rows.ts).
 *
 * Status constants are written into the SQL text, not bound: SQLite uses a partial index only
 * when the query's WHERE visibly implies the index's WHERE, which a parameter does not.
 */
import type { Statement } from "better-sqlite3";
import type { ClaimParams, Completion, NewTaskRecord, TaskRecord } from "@tasks/core/backend";
import { TasksError } from "@tasks/core/backend";
import { RowReader, type UnreadableRow } from "../shared/decode.js";
import { sortClaimOrder, taskNameList } from "../shared/rows.js";
import type { SqliteClient } from "./open.js";
import { CLAIMED_COLUMNS, claimedRowToRecord, errorJson, jsonText, newTaskValues, type ClaimedBy, type RawTaskRow } from "./raw-rows.js";
import { finishBatchText, moveDeleteText, type FinalStatus } from "./moves.js";
import { setAsideClaimHead, setAsideRows } from "./set-aside.js";

/** Claim picks kept per connection; past this many shapes the cache starts over. */
const MAX_CACHED_SHAPES = 64;

/** Up to this many task names, a claim lists them as bound values; past it, as one JSON array. */
const MAX_LISTED_NAMES = 200;

/** How many times one claim sets unreadable rows aside and claims again for the places they took. */
const SET_ASIDE_ROUNDS = 5;

/**
 * The most rows one take statement marks RUNNING. Take statements list their rowids as bound
 * values, padded with NULLs to a power of two, so a connection prepares a handful of shapes.
 */
const MAX_TAKE = 1024;

/** What a claim sets on every row it takes; values: worker id, now, now, lease expiry, then the rowids. */
const TAKE_SET =
  "UPDATE tasks_queue SET status = 'RUNNING', attempts = max(attempts, 0) + 1, worker_ids = json_insert(worker_ids, '$[#]', ?), " +
  "started_at = coalesce(started_at, ?), last_attempted_at = ?, lease_expires_at = ?";

/**
 * A retry, where the row is still RUNNING under the same attempt: it stays in the queue table.
 * Values: the error, run after, runnable at, then id, backend, attempt. (Final outcomes move
 * the row: moves.ts, finishBatchText.)
 */
const RETRY_SQL =
  "UPDATE tasks_queue SET status = 'READY', errors = json_insert(errors, '$[#]', json(?)), run_after = ?, runnable_at = ?, lease_expires_at = NULL " +
  "WHERE id = ? AND backend = ? AND status = 'RUNNING' AND attempts = ?";

/**
 * One new READY row; a row whose id or unique key is already in the queue is skipped
 * (`changes` 0). Values in the order of `newTaskValues` (raw-rows.ts).
 */
const INSERT_SQL =
  "INSERT INTO tasks_queue (id, backend, task_name, queue_name, priority, args, status, run_after, runnable_at, enqueued_at, " +
  "attempts, max_attempts, worker_ids, errors, identity_hash, unique_key, scheduled_for, trace_context) " +
  "VALUES (?, ?, ?, ?, ?, ?, 'READY', ?, ?, ?, 0, ?, '[]', '[]', ?, ?, ?, ?) ON CONFLICT DO NOTHING";

const prepared = new WeakMap<SqliteClient, PreparedStatements>();

/** The prepared hot-path statements of `client`, made on first use and kept with the connection. */
export function preparedStatements(client: SqliteClient): PreparedStatements {
  let statements = prepared.get(client);
  if (statements === undefined) prepared.set(client, (statements = new PreparedStatements(client)));
  return statements;
}

/**
 * Prepared hot-path statements on one better-sqlite3 connection. Statements that name a table
 * are prepared on first use, so that making this object never fails before `migrate`.
 */
export class PreparedStatements {
  readonly #client: SqliteClient;
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;
  #retry: Statement | null = null;
  readonly #finishes = new Map<string, Statement>();
  readonly #removes = new Map<number, Statement>();
  #insert: Statement | null = null;
  readonly #picks = new Map<string, Statement>();
  readonly #takes = new Map<number, Statement>();
  #lastNames: readonly string[] | null = null;
  #lastNamesJson = "[]";

  constructor(client: SqliteClient) {
    this.#client = client;
    this.#begin = client.prepare("BEGIN IMMEDIATE");
    this.#commit = client.prepare("COMMIT");
    this.#rollback = client.prepare("ROLLBACK");
  }

  /**
   * Runs `operation` in an immediate transaction (the write lock is taken at BEGIN, so the
   * reads inside see what the writes will change), committing if it returns and rolling
   * back if it throws.
   */
  immediate<T>(operation: () => T): T {
    if (this.#client.inTransaction) {
      throw new TasksError(
        "The SQLite connection of the task backend has a transaction open that the backend did not start (a BEGIN without COMMIT on your db?). " +
          "Finish it before the backend writes, or give the backend its own connection with sqliteBackend({ path }).",
      );
    }
    this.#begin.run();
    let result: T;
    try {
      result = operation();
    } catch (error) {
      if (this.#client.inTransaction) this.#rollback.run();
      throw error;
    }
    try {
      this.#commit.run();
    } catch (error) {
      if (this.#client.inTransaction) this.#rollback.run();
      throw error;
    }
    return result;
  }

  /**
   * Claims up to `limit` READY tasks: one statement picks the rowids of the head of the queue
   * (`SELECT rowid … ORDER BY claim order LIMIT n`, on a partial READY index), a second marks
   * those rows RUNNING and returns them (`UPDATE … WHERE rowid IN (…) RETURNING …`, only the
   * columns the claim did not set). One `UPDATE … WHERE id IN (SELECT …)` did the same with
   * ~40 µs more per claim: an UPDATE whose WHERE reads its own table collects the rows first
   * (two passes) and looks each up again by id. Run it inside {@link immediate}: the write
   * lock taken at BEGIN keeps other connections from writing between the pick and the take.
   * Returns the tasks in claim order.
   *
   * A row that cannot be read (written by other code) is set aside as FAILED in the same
   * transaction, and the claim runs again for the places such rows took (a few rounds at most),
   * so it never stops the rows behind it.
   */
  claim(params: ClaimParams): TaskRecord[] {
    const { queues, ids } = params;
    const names = taskNameList("claim()", params.taskNames);
    if ((ids !== undefined && ids.length === 0) || names?.length === 0) return [];
    const whereValues: unknown[] = [params.backend];
    let where = "backend = ? AND status = 'READY'";
    if (!params.ignoreRunAfter) {
      where += " AND (run_after IS NULL OR run_after <= ?)";
      whereValues.push(params.now.getTime());
    }
    if (queues.include !== "*") {
      const include = queues.include.filter((name) => !queues.exclude.includes(name));
      if (include.length === 0) return [];
      // A single queue as `=` lets the planner walk the per-queue claim index in order.
      where += include.length === 1 ? " AND queue_name = ?" : ` AND queue_name IN (${marks(include.length)})`;
      whereValues.push(...include);
    } else if (queues.exclude.length > 0) {
      where += ` AND queue_name NOT IN (${marks(queues.exclude.length)})`;
      whereValues.push(...queues.exclude);
    }
    if (ids !== undefined) {
      where += ` AND id IN (${marks(ids.length)})`;
      whereValues.push(...ids);
    }
    if (names !== undefined && names.length <= MAX_LISTED_NAMES) {
      // Listed, the names cost nothing per claim; a worker passes the same list every time, so
      // this is one statement shape. (A json_each list cost ~200 µs per claim: 8 µs per task.)
      where += ` AND task_name IN (${marks(names.length)})`;
      whereValues.push(...names);
    } else if (names !== undefined) {
      // One JSON parameter however many names: one statement shape, no bound-parameter limit.
      where += " AND task_name IN (SELECT value FROM json_each(?))";
      whereValues.push(this.#namesJson(names));
    }
    const pick = this.#pickStatement(where);
    const now = params.now.getTime();
    const claimedBy: ClaimedBy = { backend: params.backend, now: params.now, leaseExpiresAt: new Date(now + params.leaseMs) };
    const set = [params.workerId, now, now, now + params.leaseMs];
    const claimed: TaskRecord[] = [];
    let limit = params.limit;
    for (let round = 0; ; round++) {
      const rowids = pick.all(...whereValues, limit) as number[];
      if (rowids.length === 0) break;
      let rows: RawTaskRow[];
      try {
        rows = this.#take(set, rowids);
      } catch (error) {
        // A stored value the UPDATE itself cannot use (worker_ids that is not JSON): set the
        // unreadable rows the claim would take aside, then claim again.
        const retry = round < SET_ASIDE_ROUNDS && this.#client.inTransaction;
        if (!retry || setAsideClaimHead(this.#client, where, [...whereValues, limit], params.backend, params.now) === 0) throw error;
        continue;
      }
      let unreadable: UnreadableRow[] | null = null;
      for (const row of rows) {
        const read = new RowReader();
        const record = claimedRowToRecord(row, claimedBy, read);
        if (read.problems) (unreadable ??= []).push({ record, problems: read.problems });
        else claimed.push(record);
      }
      if (unreadable === null) break;
      setAsideRows(this.#client, params.backend, params.now, unreadable);
      limit = params.limit - claimed.length;
      if (limit === 0 || round === SET_ASIDE_ROUNDS) break;
    }
    return sortClaimOrder(claimed);
  }

  /**
   * Writes attempt outcomes, each only where the row is still RUNNING under the same attempt
   * number: the final outcomes of a call move their rows to the results table in one INSERT and
   * one DELETE per outcome (not two statements per task), a retry updates its row in the queue
   * table. Run it inside {@link immediate}. Returns the ids that were written, in call order.
   */
  complete(backend: string, now: Date, completions: readonly Completion[]): string[] {
    const at = now.getTime();
    const written = new Array<boolean>(completions.length).fill(false);
    // A task listed twice is completed in call order: its second completion runs in a second round.
    const rounds: number[][] = [];
    const seen = new Map<string, number>();
    completions.forEach(({ id }, index) => {
      const round = seen.get(id) ?? 0;
      seen.set(id, round + 1);
      (rounds[round] ??= []).push(index);
    });
    for (const round of rounds) {
      const finals: Record<FinalStatus, { index: number; row: unknown[] }[]> = { SUCCESSFUL: [], FAILED: [] };
      for (const index of round) {
        const { id, attempt, outcome } = completions[index] as Completion;
        if (outcome.status === "SUCCESSFUL") finals.SUCCESSFUL.push({ index, row: [id, attempt, jsonText(outcome.returnValue)] });
        else if (outcome.status === "FAILED") finals.FAILED.push({ index, row: [id, attempt, errorJson(outcome.error)] });
        else {
          const runAfter = outcome.runAfter.getTime();
          const retry = (this.#retry ??= this.#client.prepare(RETRY_SQL));
          written[index] = retry.run(errorJson(outcome.error), runAfter, runAfter, id, backend, attempt).changes > 0;
        }
      }
      for (const status of ["SUCCESSFUL", "FAILED"] as const) {
        const moved = this.#finish(status, at, backend, finals[status].map(({ row }) => row));
        for (const { index } of finals[status]) written[index] = moved.has(completions[index]!.id);
      }
    }
    return completions.filter((_, index) => written[index]).map(({ id }) => id);
  }

  /**
   * Inserts new READY tasks, one prepared statement run per task, in the caller's transaction
   * (the backend's immediate transaction, or the application's own). Returns, per task, whether
   * it was stored: false when a queue row already holds its unique key (or its id).
   */
  insert(backend: string, now: Date, tasks: readonly NewTaskRecord[]): boolean[] {
    const insert = (this.#insert ??= this.#client.prepare(INSERT_SQL));
    return tasks.map((task) => insert.run(...newTaskValues(task, backend, now)).changes > 0);
  }

  /** The JSON text of a name list; a worker passes the same frozen list to every claim. */
  #namesJson(names: readonly string[]): string {
    if (names !== this.#lastNames) {
      this.#lastNames = names;
      this.#lastNamesJson = JSON.stringify(names);
    }
    return this.#lastNamesJson;
  }

  /** The rowids of the claim's head, in claim order: values of `where`, then the limit. */
  #pickStatement(where: string): Statement {
    let statement = this.#picks.get(where);
    if (statement === undefined) {
      if (this.#picks.size >= MAX_CACHED_SHAPES) this.#picks.clear();
      statement = this.#client.prepare(`SELECT rowid FROM tasks_queue WHERE ${where} ORDER BY priority DESC, runnable_at, id LIMIT ?`).pluck(true);
      this.#picks.set(where, statement);
    }
    return statement;
  }

  /**
   * Moves the rows of `rows` (`[id, attempt, value]`, distinct ids) that are still RUNNING under
   * that attempt to the results table with outcome `status`; returns their ids. Lists are padded
   * with NULL rows to a power of two (at most {@link MAX_TAKE}), so a connection prepares a
   * handful of shapes.
   */
  #finish(status: FinalStatus, at: number, backend: string, rows: readonly unknown[][]): Set<string> {
    const moved = new Set<string>();
    for (const chunk of chunks(rows)) {
      const size = paddedSize(chunk.length);
      const key = `${status}:${size}`;
      let insert = this.#finishes.get(key);
      if (insert === undefined) this.#finishes.set(key, (insert = this.#client.prepare(finishBatchText(status, size)).pluck(true)));
      const values: unknown[] = [at];
      for (const row of chunk) values.push(...row);
      for (let pad = chunk.length; pad < size; pad++) values.push(null, null, null);
      values.push(backend);
      const ids = insert.all(...values) as string[];
      if (ids.length === 0) continue;
      const removeSize = paddedSize(ids.length);
      let remove = this.#removes.get(removeSize);
      if (remove === undefined) this.#removes.set(removeSize, (remove = this.#client.prepare(moveDeleteText(`id IN (${marks(removeSize)})`))));
      remove.run(...ids, ...new Array<null>(removeSize - ids.length).fill(null));
      for (const id of ids) moved.add(id);
    }
    return moved;
  }

  /** Marks the rows `rowids` RUNNING with the `set` values and returns them ({@link CLAIMED_COLUMNS}). */
  #take(set: readonly unknown[], rowids: readonly number[]): RawTaskRow[] {
    const rows: RawTaskRow[] = [];
    for (const chunk of chunks(rowids)) {
      const size = paddedSize(chunk.length);
      let statement = this.#takes.get(size);
      if (statement === undefined) {
        statement = this.#client
          .prepare(`${TAKE_SET} WHERE rowid IN (${marks(size)}) AND status = 'READY' RETURNING ${CLAIMED_COLUMNS}`)
          .raw(true)
          .safeIntegers(false);
        this.#takes.set(size, statement);
      }
      const padding = new Array<null>(size - chunk.length).fill(null);
      for (const row of statement.all(...set, ...chunk, ...padding) as RawTaskRow[]) rows.push(row);
    }
    return rows;
  }
}

function marks(count: number): string {
  return count === 1 ? "?" : `?${", ?".repeat(count - 1)}`;
}

/** `items` in slices of at most {@link MAX_TAKE}. */
function chunks<T>(items: readonly T[]): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < items.length; start += MAX_TAKE) slices.push(items.slice(start, start + MAX_TAKE));
  return slices;
}

/** The power of two a list of `count` bound values is padded to. */
function paddedSize(count: number): number {
  let size = 1;
  while (size < count) size *= 2;
  return size;
}
