/** The SQLite task backend: storage operations on Drizzle ORM over better-sqlite3. */
import { AsyncLocalStorage } from "node:async_hooks";
import type {
  CancelParams, ClaimParams, CompleteAtomicallyOutcome, CompleteAtomicallyParams, CompleteOutcome, CompleteParams, CountFinishedParams, DeleteTasksParams,
  DescheduleParams, FinishedCount, ListTasksParams, RetryTasksParams, TaskPage,
  EnqueueOccurrencesOutcome, EnqueueOccurrencesParams, EnqueueOutcome, EnqueueParams, GetParams, HealthParams, HealthReport, HeartbeatOutcome,
  HeartbeatParams, JsonValue, ListSchedulesParams, PruneParams, RegisterSchedulesParams, RescueParams, ScheduleState, StorageCheck, TaskBackend,
  TaskRecord,
} from "@tasks/core/backend";
import { TasksError } from "@tasks/core/backend";
import { DATABASE_CAPABILITIES } from "../shared/capabilities.js";
import { createdQueues, QueueAnnouncer } from "./announcer.js";
import { openAtomicConnection, type AtomicConnection } from "./atomic.js";
import { retryWhileBusy } from "./busy.js";
import { Checkpointer } from "./checkpointer.js";
import { AsyncLock } from "./lock.js";
import { migrate as applyMigrations, pendingIn, SQLITE_MIGRATIONS_TABLE } from "./migrate.js";
import { clientOf, SqliteOpenError } from "./open.js";
import {
  asSqliteTransaction,
  resolveSqliteOptions,
  type ResolvedSqlite,
  type SqliteBackendOptions,
  type SqliteClient,
  type SqliteDatabase,
  type SqliteTarget,
} from "./options.js";
import {
  cancelTask,
  completeOne,
  descheduleTasks,
  getTask,
  healthOf,
  heartbeatLeases,
  insertTasks,
  pruneTasks,
  rescueExpiredTasks,
  type SqliteDb,
} from "./queries.js";
import { preparedStatements, type PreparedStatements } from "./statements.js";
import { readStorageState } from "./storage-state.js";
import { checkEnqueueOccurrencesParams as checkOccurrenceParams, checkRegisterSchedulesParams as checkRegisterParams } from "@tasks/core/backend";
import { enqueueDueOccurrences, listScheduleStates, registerScheduleStates } from "./schedules.js";
import { verifySqlite } from "./verify.js";
import { countFinished, deleteTasks, listTasks, retryTasks } from "./browse.js";

/**
 * Stores tasks in SQLite (live ones in `tasks_queue`, finished ones in `tasks_results`, workers
 * in `tasks_workers`, schedule states in `tasks_schedules`; create them with `migrate`).
 * Several processes may share the file: every write is an immediate transaction, and a file
 * locked by another connection is waited for asynchronously (see `busyRetry`).
 *
 * Enqueue joins the application's transaction when given `using({ transaction: tx })`; it
 * writes synchronously, inside the `db.transaction((tx) => …)` callback. Atomic tasks run one
 * at a time per backend, in an immediate transaction on a second connection to the file;
 * meanwhile the backend's other writes wait, and writes by other code of the process to the
 * same file wait for their connection's busy timeout (and may fail with SQLITE_BUSY). Keep
 * atomic tasks short. Other processes learn of new tasks by polling.
 */
export class SqliteBackend implements TaskBackend {
  readonly kind = "sqlite";
  readonly capabilities = DATABASE_CAPABILITIES;
  readonly #target: SqliteTarget;
  /** The open database; null while a file the backend owns could not be opened yet. */
  #opened: ResolvedSqlite | null = null;
  /** Serialises this backend's writes and atomic transactions within the process. */
  readonly #lock = new AsyncLock();
  /** Set while an atomic task's own code runs (to catch writes that would wait for themselves). */
  readonly #insideAtomic = new AsyncLocalStorage<true>();
  readonly #announcer = new QueueAnnouncer();
  /** WAL checkpoints off the event loop, for a file the backend opened; started by the first write. */
  #checkpointer: Checkpointer | null | undefined;
  #atomic: AtomicConnection | null = null;
  /** Queues enqueued inside the open atomic transaction; announced when it commits. */
  #atomicWakeups: Set<string> | null = null;
  #closed = false;

  constructor(options: SqliteBackendOptions) {
    this.#target = resolveSqliteOptions(options);
    try {
      this.#opened = this.#target.open();
    } catch (error) {
      // Kept for verify() to report; every other call tries to open the file again.
      if (!(error instanceof SqliteOpenError)) throw error;
    }
  }

  /**
   * The Drizzle database the backend runs on (yours, or the one it opened). Throws an error
   * naming the path and the cause if the backend's file cannot be opened.
   */
  get db(): SqliteDatabase {
    return this.#resolved.db;
  }

  /** The open database, opening the backend's file now if that failed before. */
  get #resolved(): ResolvedSqlite {
    return (this.#opened ??= this.#target.open());
  }

  /**
   * Inserts synchronously when given a transaction (before returning the promise), so it
   * lands inside the application's synchronous `db.transaction` callback.
   */
  enqueue(params: EnqueueParams): Promise<EnqueueOutcome[]> {
    if (params.transaction === undefined) return this.#enqueueNow(params);
    try {
      this.#assertOpen();
      const tx = asSqliteTransaction(params.transaction, this.#clients());
      const outcomes = params.tasks.length === 0 ? [] : insertTasks(tx, params.backend, params.now, params.tasks);
      this.#announceAfterCommit(clientOf(tx), outcomes);
      return Promise.resolve(outcomes);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #enqueueNow(params: EnqueueParams): Promise<EnqueueOutcome[]> {
    if (params.tasks.length === 0) return [];
    const outcomes = await this.#write("enqueue", (tx) => insertTasks(tx, params.backend, params.now, params.tasks), params.tasks.length);
    this.#announcer.announce(createdQueues(outcomes));
    return outcomes;
  }

  async claim(params: ClaimParams): Promise<TaskRecord[]> {
    assertLimit("claim()", params.limit);
    return this.#write("claim", () => this.#statements().claim(params), params.limit);
  }

  async heartbeat(params: HeartbeatParams): Promise<HeartbeatOutcome> {
    return { lost: await this.#write("heartbeat", (tx) => heartbeatLeases(tx, params)) };
  }

  async complete(params: CompleteParams): Promise<CompleteOutcome> {
    if (params.completions.length === 0) return { applied: [] };
    return { applied: await this.#write("complete", () => this.#statements().complete(params.backend, params.now, params.completions), params.completions.length) };
  }

  /**
   * Runs the task in `BEGIN IMMEDIATE` on the atomic connection, marks it SUCCESSFUL in the
   * same transaction and commits; rolls back when the task throws (rethrown) or its claim
   * was lost (`applied: false`). The task receives that connection's Drizzle database.
   */
  async completeAtomically(params: CompleteAtomicallyParams): Promise<CompleteAtomicallyOutcome> {
    this.#assertOpen();
    this.#assertNotInsideAtomic("completeAtomically");
    const release = await this.#lock.acquire();
    try {
      this.#assertOpen();
      const atomic = (this.#atomic ??= openAtomicConnection(this.#resolved));
      await retryWhileBusy("BEGIN IMMEDIATE (atomic task)", () => atomic.client.exec("BEGIN IMMEDIATE"), this.#resolved.busyRetry);
      const wakeups = (this.#atomicWakeups = new Set<string>());
      let returnValue: JsonValue = null;
      try {
        returnValue = await this.#insideAtomic.run(true, () => params.run(atomic.db));
        if (!atomic.client.inTransaction) {
          throw new TasksError(
            `Atomic task ${params.id} ended its own transaction (COMMIT or ROLLBACK). Use nested transactions (transaction.transaction((tx) => ...)) instead; the backend commits.`,
          );
        }
        const applied = completeOne(atomic.db, params.backend, params.id, params.attempt, params.now(), returnValue);
        atomic.client.exec(applied ? "COMMIT" : "ROLLBACK");
        if (applied) this.#announcer.announce(wakeups);
        return { applied, returnValue };
      } catch (error) {
        if (atomic.client.inTransaction) atomic.client.exec("ROLLBACK");
        throw error;
      } finally {
        this.#atomicWakeups = null;
      }
    } finally {
      release();
    }
  }

  async rescueExpired(params: RescueParams): Promise<TaskRecord[]> {
    assertLimit("rescueExpired()", params.limit);
    return this.#write("rescueExpired", (tx) => rescueExpiredTasks(tx, params.backend, params.now, params.limit, params.error), params.limit);
  }

  async cancel(params: CancelParams): Promise<TaskRecord | null> {
    return this.#write("cancel", (tx) => cancelTask(tx, params.backend, params.now, params.id));
  }

  async deschedule(params: DescheduleParams): Promise<number> {
    return this.#write("deschedule", (tx) => descheduleTasks(tx, params.backend, params.now, params.taskName, params.identityHash));
  }

  async get(params: GetParams): Promise<TaskRecord | null> {
    return this.#read("get", (db) => getTask(db, params.backend, params.id));
  }

  async health(params: HealthParams): Promise<HealthReport> {
    // One read transaction, so the counts and lists come from the same snapshot.
    return this.#read("health", (db) => db.transaction((tx) => healthOf(tx, params)));
  }

  async prune(params: PruneParams): Promise<number> {
    assertLimit("prune()", params.limit);
    if (params.dryRun) return this.#read("prune", (db) => pruneTasks(db, params));
    return this.#write("prune", (tx) => pruneTasks(tx, params), params.limit);
  }

  async registerSchedules(params: RegisterSchedulesParams): Promise<ScheduleState[]> {
    checkRegisterParams(params);
    return this.#write("registerSchedules", (tx) => registerScheduleStates(tx, params), params.names.length);
  }

  /** One immediate transaction: reads the settled time, stores the due occurrences' tasks, writes the state after. */
  async enqueueOccurrences(params: EnqueueOccurrencesParams): Promise<EnqueueOccurrencesOutcome> {
    checkOccurrenceParams(params);
    const outcome = await this.#write("enqueueOccurrences", (tx) => enqueueDueOccurrences(tx, params), params.occurrences.length + 1);
    this.#announcer.announce(new Set(outcome.enqueued.map((record) => record.queueName)));
    return outcome;
  }

  async listSchedules(params: ListSchedulesParams): Promise<ScheduleState[]> {
    return this.#read("listSchedules", (db) => listScheduleStates(db, params.backend));
  }

  async listTasks(params: ListTasksParams): Promise<TaskPage> {
    // One read transaction: both tables from the same snapshot.
    return this.#read("listTasks", (db) => db.transaction((tx) => listTasks(tx, params)));
  }

  /** One immediate transaction; the retried tasks' queues are announced to this process's listeners. */
  async retryTasks(params: RetryTasksParams): Promise<TaskRecord[]> {
    const retried = await this.#write("retryTasks", (tx) => retryTasks(tx, params), params.ids.length);
    this.#announcer.announce(new Set(retried.map((record) => record.queueName)));
    return retried;
  }

  async deleteTasks(params: DeleteTasksParams): Promise<string[]> {
    return this.#write("deleteTasks", (tx) => deleteTasks(tx, params), params.ids.length);
  }

  async countFinished(params: CountFinishedParams): Promise<FinishedCount[]> {
    return this.#read("countFinished", (db) => countFinished(db, params));
  }

  /**
   * Checks that the database file opens and that the task tables exist with every bundled
   * migration applied (recorded in `tasks_migrations`). Resolves with the first problem found:
   * "no-database" for a file that cannot be opened (the message names the absolute path and
   * the cause), "schema-missing" or "schema-outdated" otherwise.
   */
  async verify(): Promise<StorageCheck> {
    this.#assertOpen();
    let resolved: ResolvedSqlite;
    try {
      resolved = this.#resolved;
    } catch (error) {
      if (error instanceof SqliteOpenError) return { ok: false, problem: "no-database", message: error.message };
      throw error;
    }
    return this.#read("verify", (db) => verifySqlite(db, resolved.client.name, SQLITE_MIGRATIONS_TABLE));
  }

  /** Names of the bundled migrations not applied yet, oldest first. */
  async pendingMigrations(): Promise<string[]> {
    return this.#read("pendingMigrations", (db) => pendingIn(readStorageState(db, SQLITE_MIGRATIONS_TABLE)));
  }

  /**
   * Applies the pending bundled migrations, after this backend's earlier writes, and returns
   * their names (`[]`, writing nothing, when up to date).
   */
  async migrate(): Promise<string[]> {
    this.#assertOpen();
    this.#assertNotInsideAtomic("migrate");
    const release = await this.#lock.acquire();
    try {
      this.#assertOpen();
      return await applyMigrations(this.#resolved.db, {}, this.#resolved.busyRetry);
    } finally {
      release();
    }
  }

  /** Calls `listener` after tasks are enqueued through this backend object (this process only). */
  onTasksAvailable(listener: (queueName: string) => void): () => void {
    return this.#announcer.subscribe(listener);
  }

  /**
   * Waits for a running atomic task, then closes the atomic connection and, if the backend
   * opened it, the main one; your own `db` is left open.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const release = await this.#lock.acquire();
    try {
      await this.#checkpointer?.close();
      this.#atomic?.client.close();
      this.#atomic = null;
      if (this.#opened?.owned) this.#opened.client.close();
    } finally {
      release();
    }
    this.#announcer.clear();
  }

  /**
   * Runs `operation` in an immediate transaction on the main connection, after earlier writes;
   * `rows` is about how many rows it may write (it paces WAL checkpoints).
   */
  async #write<T>(what: string, operation: (tx: SqliteDb) => T, rows = 1): Promise<T> {
    this.#assertOpen();
    this.#assertNotInsideAtomic(what);
    const release = await this.#lock.acquire();
    try {
      this.#assertOpen();
      const db = this.#resolved.db;
      const statements = this.#statements();
      // Drizzle queries on `db` join the transaction that `statements` opened on the same connection.
      const result = await retryWhileBusy(what, () => statements.immediate(() => operation(db)), this.#resolved.busyRetry);
      this.#checkpointer ??= this.#resolved.owned ? Checkpointer.start(this.#resolved.client) : null;
      this.#checkpointer?.committed(rows);
      return result;
    } finally {
      release();
    }
  }

  /** Runs a read on the main connection; WAL readers do not wait for the writer. */
  async #read<T>(what: string, operation: (db: SqliteDb) => T): Promise<T> {
    this.#assertOpen();
    // Never synchronously: a caller inside its own db.transaction callback must not have
    // this read join (and see) its uncommitted transaction.
    await Promise.resolve();
    this.#assertOpen();
    return retryWhileBusy(what, () => operation(this.#resolved.db), this.#resolved.busyRetry);
  }

  /** Prepared statements on the main connection (each made on first use, after `migrate`). */
  #statements(): PreparedStatements {
    return preparedStatements(this.#resolved.client);
  }

  #clients(): SqliteClient[] {
    return this.#atomic && this.#atomicWakeups ? [this.#resolved.client, this.#atomic.client] : [this.#resolved.client];
  }

  #assertOpen(): void {
    if (this.#closed) throw new TasksError("This SQLite task backend was closed; create a new one (sqliteBackend()) instead of reusing it.");
  }

  #assertNotInsideAtomic(what: string): void {
    if (this.#insideAtomic.getStore()) {
      throw new TasksError(
        `${what}() was called from inside an atomic task without that task's transaction. On SQLite the atomic task holds the database's write lock until it ends, so this call would wait for itself. ` +
          "Enqueue inside an atomic task with task.using({ transaction: context.transaction }).",
      );
    }
  }

  #announceAfterCommit(client: SqliteClient | undefined, outcomes: readonly EnqueueOutcome[]): void {
    if (this.#atomicWakeups && client === this.#atomic?.client) {
      for (const queue of createdQueues(outcomes)) this.#atomicWakeups.add(queue);
      return;
    }
    // One created task per queue: if it is stored, that queue's enqueue committed.
    const probes = new Map<string, string>();
    for (const outcome of outcomes) if (outcome.created) probes.set(outcome.record.queueName, outcome.record.id);
    if (probes.size === 0) return;
    // A synchronous db.transaction callback has committed or rolled back by the next turn.
    setImmediate(() => {
      if (this.#closed) return;
      try {
        const backend = outcomes[0]!.record.backend;
        this.#announcer.announce([...probes].filter(([, id]) => getTask(this.#resolved.db, backend, id) !== null).map(([queue]) => queue));
      } catch {
        // A wake-up is an optimisation; workers poll anyway.
      }
    });
  }
}

function assertLimit(operation: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new TasksError(`${operation}: "limit" must be a whole number ≥ 1 (got ${String(value)}).`);
  }
}

/** A SQLite backend; see {@link SqliteBackendOptions}. */
export function sqliteBackend(options: SqliteBackendOptions): SqliteBackend {
  return new SqliteBackend(options);
}
