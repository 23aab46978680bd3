/** The Postgres task backend: storage operations on Drizzle ORM over postgres.js. */
import type {
  CancelParams,
  ClaimParams,
  CompleteAtomicallyOutcome,
  CompleteAtomicallyParams,
  CompleteOutcome,
  CompleteParams,
  Completion,
  CountFinishedParams,
  DeleteTasksParams,
  FinishedCount,
  DescheduleParams,
  EnqueueOccurrencesOutcome,
  EnqueueOccurrencesParams,
  EnqueueOutcome,
  EnqueueParams,
  GetParams,
  HealthParams,
  HealthReport,
  HeartbeatOutcome,
  HeartbeatParams,
  JsonValue,
  ListSchedulesParams,
  ListTasksParams,
  PruneParams,
  RegisterSchedulesParams,
  RescueParams,
  RetryTasksParams,
  ScheduleState,
  StorageCheck,
  TaskBackend,
  TaskPage,
  TaskRecord,
} from "@tasks/core/backend";
import { TasksError } from "@tasks/core/backend";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { DATABASE_CAPABILITIES } from "../shared/capabilities.js";
import { ClaimLostRollback } from "../shared/errors.js";
import type { PgDb } from "./queries.js";
import { asPgTransaction, resolvePostgresOptions, type PostgresBackendOptions, type ResolvedPostgres } from "./options.js";
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
} from "./queries.js";
import { claimTasks, completeTasks } from "./statements.js";
import { migrate as applyMigrations, migrationsTableOf, pendingMigrations as listPendingMigrations } from "./migrate.js";
import { VERIFY_TIMEOUT_MS, verifyPostgres } from "./verify.js";
import { Wakeups } from "./wakeup.js";
import { AtomicLane, type LanePurpose } from "./atomic-lane.js";
import { checkEnqueueOccurrencesParams as checkOccurrenceParams, checkRegisterSchedulesParams as checkRegisterParams } from "@tasks/core/backend";
import { enqueueDueOccurrences, listScheduleStates, registerScheduleStates } from "./schedules.js";
import { ClaimCursors, type ClaimKey } from "./claim-cursor.js";
import { countFinished, deleteTasks, listTasks, retryTasks } from "./browse.js";

/**
 * Stores tasks in Postgres (`tasks_queue`, `tasks_results`, `tasks_workers`, `tasks_schedules`;
 * create them with `migrate`).
 * Enqueue can join the application's Drizzle transaction, atomic tasks run in a transaction
 * that also marks them SUCCESSFUL, and LISTEN/NOTIFY wakes idle workers.
 */
export class PostgresBackend implements TaskBackend {
  readonly kind = "postgres";
  readonly capabilities = DATABASE_CAPABILITIES;
  readonly #resolved: ResolvedPostgres;
  readonly #wakeups: Wakeups;
  /** Connections for atomic tasks' transactions; null when `db` has no postgres.js client. */
  readonly #atomic: AtomicLane | null;
  /** Where each claimer's next claim starts (see claim-cursor.ts). */
  readonly #cursors = new ClaimCursors();
  #closed = false;

  constructor(options: PostgresBackendOptions) {
    this.#resolved = resolvePostgresOptions(options);
    this.#wakeups = new Wakeups(this.#resolved.db, this.#resolved.listenSource, this.#resolved.listenCheckMs);
    const { client, db, atomicConnections } = this.#resolved;
    this.#atomic = client ? new AtomicLane(client, db, atomicConnections ?? client.options.max) : null;
  }

  /** The Drizzle database the backend runs on (yours, or the one it opened). */
  get db(): PostgresJsDatabase<any> {
    return this.#resolved.db;
  }

  async enqueue(params: EnqueueParams): Promise<EnqueueOutcome[]> {
    if (params.tasks.length === 0) return [];
    const inTransaction = params.transaction !== undefined;
    const db = inTransaction ? asPgTransaction(params.transaction) : this.#resolved.db;
    const queues = params.tasks.length === 1 ? [params.tasks[0]!.queueName] : [...new Set(params.tasks.map((task) => task.queueName))];
    // Our own pool runs the prepared statement; the application's transaction runs the same SQL through Drizzle.
    const client = inTransaction ? null : this.#resolved.client;
    const outcomes = await insertTasks(db, client, params.backend, params.now, params.tasks, this.#wakeups.queuesToNotify(queues, inTransaction));
    this.#madeReady(outcomes.filter((outcome) => outcome.created).map((outcome) => outcome.record));
    return outcomes;
  }

  /** Retries put their tasks back at their new runnable time, often behind a cursor. */
  #retried(completions: readonly Completion[]): void {
    if (this.#cursors.empty) return;
    const keys: ClaimKey[] = [];
    for (const { id, outcome } of completions) {
      // The task's priority is not at hand; the highest possible rank sends every claimer past this time to the head.
      if (outcome.status === "READY") keys.push({ rank: -MAX_PRIORITY, runnableAtMs: outcome.runAfter.getTime(), id });
    }
    this.#cursors.readyAt(keys);
  }

  /** Sends this process's claimers back to the head when `records` became READY behind their cursors. */
  #madeReady(records: readonly TaskRecord[]): void {
    if (this.#cursors.empty) return;
    const keys: ClaimKey[] = [];
    for (const record of records) {
      const runnableAt = record.runAfter ?? record.enqueuedAt;
      if (record.status === "READY") keys.push({ rank: -record.priority, runnableAtMs: runnableAt.getTime(), id: record.id });
    }
    this.#cursors.readyAt(keys);
  }

  async claim(params: ClaimParams): Promise<TaskRecord[]> {
    assertLimit("claim()", params.limit);
    const ids = params.ids?.filter((id) => UUID.test(id));
    const claim = ids === undefined ? params : { ...params, ids };
    // Claims of given ids, or that ignore run_after, are one-offs: they walk from the head.
    const resume = ids === undefined && params.ignoreRunAfter !== true ? { cursors: this.#cursors, claimer: claimerOf(params) } : null;
    return claimTasks(this.#resolved.db, this.#resolved.client, claim, resume);
  }

  async heartbeat(params: HeartbeatParams): Promise<HeartbeatOutcome> {
    return { lost: await heartbeatLeases(this.#resolved.db, params) };
  }

  async complete(params: CompleteParams): Promise<CompleteOutcome> {
    // An id that is not a UUID, or an attempt that is not a whole number, matches no stored
    // row; leaving it out keeps the statement's array parameters well formed.
    const completions = params.completions.filter(({ id, attempt }) => UUID.test(id) && Number.isInteger(attempt));
    const applied = await completeTasks(this.#resolved.db, this.#resolved.client, params.backend, params.now, completions);
    this.#retried(completions);
    return { applied };
  }

  async completeAtomically(params: CompleteAtomicallyParams): Promise<CompleteAtomicallyOutcome> {
    let returnValue: JsonValue = null;
    const work = async (tx: PgDb) => {
      returnValue = await params.run(tx);
      if (!(await completeOne(tx, params.backend, params.id, params.attempt, params.now(), returnValue))) {
        throw new ClaimLostRollback(params.id);
      }
    };
    try {
      // A connection of its own (see AtomicLane): the task's transaction can neither starve the
      // pool that renews its lease nor crash the process when its connection is cut.
      await (this.#atomic ? this.#atomic.transaction(work, params.signal) : this.#resolved.db.transaction(work));
      return { applied: true, returnValue };
    } catch (error) {
      if (error instanceof ClaimLostRollback) return { applied: false, returnValue };
      throw error;
    }
  }

  async rescueExpired(params: RescueParams): Promise<TaskRecord[]> {
    assertLimit("rescueExpired()", params.limit);
    const rescued = await rescueExpiredTasks(this.#resolved.db, params.backend, params.now, params.limit, params.error);
    this.#madeReady(rescued);
    return rescued;
  }

  async cancel(params: CancelParams): Promise<TaskRecord | null> {
    if (!UUID.test(params.id)) return null;
    return cancelTask(this.#resolved.db, params.backend, params.now, params.id);
  }

  async deschedule(params: DescheduleParams): Promise<number> {
    return descheduleTasks(this.#resolved.db, params.backend, params.now, params.taskName, params.identityHash);
  }

  async get(params: GetParams): Promise<TaskRecord | null> {
    if (!UUID.test(params.id)) return null;
    return getTask(this.#resolved.db, params.backend, params.id);
  }

  async health(params: HealthParams): Promise<HealthReport> {
    return healthOf(this.#resolved.db, params);
  }

  async prune(params: PruneParams): Promise<number> {
    assertLimit("prune()", params.limit);
    return pruneTasks(this.#resolved.db, params);
  }

  async registerSchedules(params: RegisterSchedulesParams): Promise<ScheduleState[]> {
    checkRegisterParams(params);
    return registerScheduleStates(this.#resolved.db, params);
  }

  /**
   * One transaction, on a connection of the atomic lane (see atomic-lane.ts: a connection cut
   * inside it fails this call, never the process): locks the schedule's state, stores its due
   * occurrences through the ordinary insert and NOTIFY, and writes the state after.
   */
  async enqueueOccurrences(params: EnqueueOccurrencesParams): Promise<EnqueueOccurrencesOutcome> {
    checkOccurrenceParams(params);
    const work = (tx: PgDb) => enqueueDueOccurrences(tx, params);
    const outcome = await (this.#atomic ? this.#atomic.transaction(work, undefined, SCHEDULE_PURPOSE) : this.#resolved.db.transaction(work));
    this.#madeReady(outcome.enqueued);
    return outcome;
  }

  async listSchedules(params: ListSchedulesParams): Promise<ScheduleState[]> {
    return listScheduleStates(this.#resolved.db, params.backend);
  }

  async listTasks(params: ListTasksParams): Promise<TaskPage> {
    return listTasks(this.#resolved.db, params);
  }

  /** One statement, which also notifies the retried tasks' queues; this process's claimers then look from the head. */
  async retryTasks(params: RetryTasksParams): Promise<TaskRecord[]> {
    const retried = await retryTasks(this.#resolved.db, params);
    // Their keys use the enqueue time, at or before the runnable time they now have: claimers past it start from the head.
    this.#madeReady(retried);
    return retried;
  }

  async deleteTasks(params: DeleteTasksParams): Promise<string[]> {
    return deleteTasks(this.#resolved.db, params);
  }

  async countFinished(params: CountFinishedParams): Promise<FinishedCount[]> {
    return countFinished(this.#resolved.db, params);
  }

  onTasksAvailable(listener: (queueName: string) => void): () => void {
    return this.#wakeups.subscribe(listener);
  }

  /**
   * Connects once (giving up after 5 s) and checks that the database exists, the task tables
   * exist with every bundled migration applied, and the user may read and write them.
   * Resolves with the first problem found; messages name host, port, database and user, never
   * the password. Uses the default migrations table (`drizzle.tasks_migrations`).
   */
  async verify(): Promise<StorageCheck> {
    return verifyPostgres(this.#resolved.db, { migrations: migrationsTableOf(), timeoutMs: VERIFY_TIMEOUT_MS });
  }

  /** Names of the bundled migrations not applied yet, oldest first; see {@link listPendingMigrations}. */
  async pendingMigrations(): Promise<string[]> {
    return listPendingMigrations(this.#resolved.db);
  }

  /** Applies the pending bundled migrations and returns their names (`[]`, and no DDL, when up to date). */
  async migrate(): Promise<string[]> {
    return applyMigrations(this.#resolved.db);
  }

  /** Stops LISTEN and ends the pool if the backend opened it; your own `db` is left open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#wakeups.close();
    await this.#atomic?.close();
    if (this.#resolved.owned) await this.#resolved.client?.end({ timeout: 5 });
  }
}

/** How the atomic lane's errors name a schedule's transaction. */
const SCHEDULE_PURPOSE: LanePurpose = {
  transaction: "a schedule's transaction (enqueueOccurrences)",
  afterFault: "the schedule's next pass enqueues those occurrences",
  closed: "no schedule can enqueue its occurrences",
};

/** The highest priority a task may have (a smallint column). */
const MAX_PRIORITY = 32_767;

/** Names one claimer: claims with the same alias, worker, queues and task names share a cursor. */
function claimerOf(params: ClaimParams): string {
  return JSON.stringify([params.backend, params.workerId, params.queues, params.taskNames ?? null]);
}

/** Ids are UUIDs; anything else cannot name a stored task (and would be a cast error). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertLimit(operation: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new TasksError(`${operation}: "limit" must be a whole number ≥ 1 (got ${String(value)}).`);
  }
}

/** A Postgres backend; see {@link PostgresBackendOptions}. */
export function postgresBackend(options: PostgresBackendOptions): PostgresBackend {
  return new PostgresBackend(options);
}
