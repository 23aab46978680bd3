/**
 * The hot-path statements — begin/commit, claim, completion, insert — as fixed SQL texts,
 * prepared once per connection with better-sqlite3 and reused. Building them with Drizzle's
 * query builder on every call (and letting the driver compile them again) cost more CPU than
 * SQLite's own work did. Every value is a bound parameter; only the shape of the claim (how
 * many queues or ids are listed) varies, and each shape is prepared once. Rows are read by
 * position (raw-rows.ts).
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
import { errorJson, jsonText, newTaskValues, RECORD_COLUMNS, rawRowToRecord, type RawTaskRow } from "./raw-rows.js";
import { setAsideClaimHead, setAsideRows } from "./set-aside.js";

/** Claim statements kept per connection; past this many shapes the cache starts over. */
const MAX_CACHED_SHAPES = 64;

/** How many times one claim sets unreadable rows aside and claims again for the places they took. */
const SET_ASIDE_ROUNDS = 5;

/** Where the claim's WHERE values start in its bound values (after the four SET values). */
const FIRST_WHERE_VALUE = 4;

/** Where a row must still be to take this completion: RUNNING under the same attempt. */
const STILL_HELD = "WHERE id = ? AND backend = ? AND status = 'RUNNING' AND attempts = ?";

/** The completion of each outcome, guarded by {@link STILL_HELD}. */
const COMPLETE_SQL = {
  SUCCESSFUL: `UPDATE tasks_results SET status = 'SUCCESSFUL', return_value = ?, finished_at = ?, lease_expires_at = NULL ${STILL_HELD}`,
  FAILED:
    "UPDATE tasks_results SET status = 'FAILED', errors = json_insert(errors, '$[#]', json(?)), finished_at = ?, lease_expires_at = NULL " +
    STILL_HELD,
  READY:
    "UPDATE tasks_results SET status = 'READY', errors = json_insert(errors, '$[#]', json(?)), run_after = ?, runnable_at = ?, lease_expires_at = NULL " +
    STILL_HELD,
} as const;

/**
 * One new READY row; a row whose id or active unique key is already stored is skipped
 * (`changes` 0). Values in the order of `newTaskValues` (raw-rows.ts).
 */
const INSERT_SQL =
  "INSERT INTO tasks_results (id, backend, task_name, queue_name, priority, args, status, run_after, runnable_at, enqueued_at, " +
  "attempts, max_attempts, worker_ids, errors, identity_hash, unique_key) " +
  "VALUES (?, ?, ?, ?, ?, ?, 'READY', ?, ?, ?, 0, ?, '[]', '[]', ?, ?) ON CONFLICT DO NOTHING";

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
  #complete: { readonly [S in keyof typeof COMPLETE_SQL]: Statement } | null = null;
  #insert: Statement | null = null;
  readonly #claims = new Map<string, Statement>();
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
   * Claims up to `limit` READY tasks in one statement: `UPDATE … WHERE id IN (SELECT id …
   * ORDER BY claim order LIMIT n) RETURNING …`. Run it inside {@link immediate} so no other
   * connection writes between the pick and the update. Returns the tasks in claim order.
   *
   * A row that cannot be read (written by other code) is set aside as FAILED in the same
   * transaction, and the claim runs again for the places such rows took (a few rounds at most),
   * so it never stops the rows behind it.
   */
  claim(params: ClaimParams): TaskRecord[] {
    const { queues, ids } = params;
    const names = taskNameList("claim()", params.taskNames);
    if ((ids !== undefined && ids.length === 0) || names?.length === 0) return [];
    const values: unknown[] = [params.workerId, params.now.getTime(), params.now.getTime(), params.now.getTime() + params.leaseMs, params.backend];
    let where = "backend = ? AND status = 'READY'";
    if (!params.ignoreRunAfter) {
      where += " AND (run_after IS NULL OR run_after <= ?)";
      values.push(params.now.getTime());
    }
    if (queues.include !== "*") {
      const include = queues.include.filter((name) => !queues.exclude.includes(name));
      if (include.length === 0) return [];
      // A single queue as `=` lets the planner walk the per-queue claim index in order.
      where += include.length === 1 ? " AND queue_name = ?" : ` AND queue_name IN (${marks(include.length)})`;
      values.push(...include);
    } else if (queues.exclude.length > 0) {
      where += ` AND queue_name NOT IN (${marks(queues.exclude.length)})`;
      values.push(...queues.exclude);
    }
    if (ids !== undefined) {
      where += ` AND id IN (${marks(ids.length)})`;
      values.push(...ids);
    }
    if (names !== undefined) {
      // One JSON parameter however many names: one statement shape, no bound-parameter limit.
      where += " AND task_name IN (SELECT value FROM json_each(?))";
      values.push(this.#namesJson(names));
    }
    values.push(params.limit);
    const statement = this.#claimStatement(where);
    const claimed: TaskRecord[] = [];
    for (let round = 0; ; round++) {
      let rows: RawTaskRow[];
      try {
        rows = statement.all(...values) as RawTaskRow[];
      } catch (error) {
        // A stored value the UPDATE itself cannot use (worker_ids that is not JSON): set the
        // unreadable rows the claim would take aside, then claim again.
        const retry = round < SET_ASIDE_ROUNDS && this.#client.inTransaction;
        if (!retry || setAsideClaimHead(this.#client, where, values.slice(FIRST_WHERE_VALUE), params.backend, params.now) === 0) throw error;
        continue;
      }
      let unreadable: UnreadableRow[] | null = null;
      for (const row of rows) {
        const read = new RowReader();
        const record = rawRowToRecord(row, read);
        if (read.problems) (unreadable ??= []).push({ record, problems: read.problems });
        else claimed.push(record);
      }
      if (unreadable === null) break;
      setAsideRows(this.#client, params.backend, params.now, unreadable);
      const missing = params.limit - claimed.length;
      if (missing === 0 || round === SET_ASIDE_ROUNDS) break;
      values[values.length - 1] = missing;
    }
    return sortClaimOrder(claimed);
  }

  /**
   * Writes attempt outcomes, each only where the row is still RUNNING under the same attempt
   * number, one small statement per completion. Run it inside {@link immediate}. Returns the
   * ids that were written.
   */
  complete(backend: string, now: Date, completions: readonly Completion[]): string[] {
    const at = now.getTime();
    const applied: string[] = [];
    const complete = (this.#complete ??= {
      SUCCESSFUL: this.#client.prepare(COMPLETE_SQL.SUCCESSFUL),
      FAILED: this.#client.prepare(COMPLETE_SQL.FAILED),
      READY: this.#client.prepare(COMPLETE_SQL.READY),
    });
    for (const { id, attempt, outcome } of completions) {
      let changes: number;
      switch (outcome.status) {
        case "SUCCESSFUL":
          changes = complete.SUCCESSFUL.run(jsonText(outcome.returnValue), at, id, backend, attempt).changes;
          break;
        case "FAILED":
          changes = complete.FAILED.run(errorJson(outcome.error), at, id, backend, attempt).changes;
          break;
        case "READY": {
          const runAfter = outcome.runAfter.getTime();
          changes = complete.READY.run(errorJson(outcome.error), runAfter, runAfter, id, backend, attempt).changes;
          break;
        }
      }
      if (changes > 0) applied.push(id);
    }
    return applied;
  }

  /**
   * Inserts new READY tasks, one prepared statement run per task, in the caller's transaction
   * (the backend's immediate transaction, or the application's own). Returns, per task, whether
   * it was stored: false when an active row already holds its unique key (or its id).
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

  #claimStatement(where: string): Statement {
    let statement = this.#claims.get(where);
    if (statement === undefined) {
      if (this.#claims.size >= MAX_CACHED_SHAPES) this.#claims.clear();
      statement = this.#client
        .prepare(
          "UPDATE tasks_results SET status = 'RUNNING', attempts = max(attempts, 0) + 1, worker_ids = json_insert(worker_ids, '$[#]', ?), " +
            "started_at = coalesce(started_at, ?), last_attempted_at = ?, lease_expires_at = ? " +
            `WHERE id IN (SELECT id FROM tasks_results WHERE ${where} ORDER BY priority DESC, runnable_at, id LIMIT ?) ` +
            `RETURNING ${RECORD_COLUMNS}`,
        )
        .raw(true)
        .safeIntegers(false);
      this.#claims.set(where, statement);
    }
    return statement;
  }
}

function marks(count: number): string {
  return count === 1 ? "?" : `?${", ?".repeat(count - 1)}`;
}
