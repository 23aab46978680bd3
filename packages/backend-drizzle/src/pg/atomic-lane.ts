/**
 * Connections of their own for atomic tasks' transactions: a handful of single-connection
 * postgres.js clients, one per transaction at a time, apart from the pool that claims,
 * renews leases and writes results.
 *
 * Why not `db.transaction()`: postgres.js runs a transaction on a reserved connection and,
 * when the transaction's callback fails, sends ROLLBACK on that connection even after it has
 * closed. The write is queued with `setImmediate` and throws a TypeError (reading `write` of
 * null) where no caller can catch it, so one terminated connection killed the whole worker
 * (porsager/postgres #1066, #1154, #1208). Here every statement goes through the ordinary
 * query path of a client whose connection is watched: once it closes, or a statement fails
 * because the connection failed, nothing more is sent on it and the transaction ends in a
 * {@link StorageFaultError} (nothing of it committed), which the worker answers by running
 * the task again.
 *
 * Separate connections also mean heartbeats, claims and completions never queue behind long
 * task transactions, and at most `size` atomic tasks run at once: the others wait for a free
 * connection before their transaction (and their code) starts. A schedule's enqueue of its
 * occurrences runs its short transaction here too, for the same safety.
 */
import { StorageTimeoutError, systemClock } from "@tasks/core";
import { classifyStorageFault, StorageFaultError } from "@tasks/core/backend";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { PostgresJsSession as Session, PostgresJsTransaction } from "drizzle-orm/postgres-js";
import postgres from "postgres";

/** The Drizzle transaction an atomic task receives on the Postgres backend. */
export type AtomicTransaction = PostgresJsTransaction<any, any>;

/** Whose transaction a lane runs, as its errors name it. */
export interface LanePurpose {
  /** The transaction, as a phrase: "an atomic task's transaction". */
  readonly transaction: string;
  /** What follows a transaction lost to its connection: "the task will run again". */
  readonly afterFault: string;
  /** Why nothing starts once the backend is closed: "no atomic task can start". */
  readonly closed: string;
}

/** An atomic task's transaction (the default). */
export const ATOMIC_TASK: LanePurpose = {
  transaction: "an atomic task's transaction",
  afterFault: "the task will run again",
  closed: "no atomic task can start",
};

/** Runs transactions on dedicated connections; see the module comment. */
export class AtomicLane {
  readonly #base: postgres.Sql;
  readonly #db: PostgresJsDatabase<any>;
  readonly #size: number;
  readonly #idle: LaneClient[] = [];
  readonly #waiting: Waiter[] = [];
  #open = 0;
  #closed = false;

  /** `base` lends its connection settings; `db` its Drizzle dialect, schema and logger. */
  constructor(base: postgres.Sql, db: PostgresJsDatabase<any>, size: number) {
    this.#base = base;
    this.#db = db;
    this.#size = size;
  }

  /** Most transactions at once (one connection each). */
  get size(): number {
    return this.#size;
  }

  /**
   * Runs `work` in a transaction on a connection of its own and commits when it resolves.
   * Until a connection has begun the transaction, nothing of `work` runs: a connection that
   * cannot be had (server restarting, pooler out of server connections) is waited for, with
   * growing pauses, until `signal` aborts (the attempt was abandoned). Rejects with what `work`
   * threw (after ROLLBACK), or with a {@link StorageFaultError} when the connection failed
   * before the commit was acknowledged.
   */
  async transaction<T>(work: (tx: AtomicTransaction) => Promise<T>, signal?: AbortSignal, purpose: LanePurpose = ATOMIC_TASK): Promise<T> {
    for (let failures = 0; ; failures++) {
      const client = await this.#acquire(signal, purpose);
      try {
        if (await client.begin(purpose)) return await client.commitAfter(work, this.#db);
      } finally {
        this.#release(client);
      }
      await systemClock.sleep(Math.min(MAX_BEGIN_PAUSE_MS, 50 * 2 ** failures), signal);
      signal?.throwIfAborted();
    }
  }

  /** Ends every connection; transactions still running fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(closedError(waiter.purpose));
    const clients = this.#idle.splice(0);
    await Promise.all(clients.map((client) => client.end()));
  }

  async #acquire(signal: AbortSignal | undefined, purpose: LanePurpose): Promise<LaneClient> {
    if (this.#closed) throw closedError(purpose);
    signal?.throwIfAborted();
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#open < this.#size) {
      this.#open++;
      return new LaneClient(this.#base);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (client) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(client);
        },
        reject,
        purpose,
      };
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  #release(client: LaneClient): void {
    if (client.broken || this.#closed) {
      this.#open--;
      void client.end();
      // A waiter gets a fresh client in place of the broken one.
      const next = this.#waiting.shift();
      if (next && !this.#closed) {
        this.#open++;
        next.resolve(new LaneClient(this.#base));
      }
      return;
    }
    const next = this.#waiting.shift();
    if (next) next.resolve(client);
    else this.#idle.push(client);
  }
}

/**
 * Longest wait for BEGIN, COMMIT or ROLLBACK. postgres.js waits up to its connect_timeout (30 s
 * by default) for a connection whose handshake was cut, and a worker's atomic tasks all sat
 * behind such BEGINs for 25 s in the chaos suite; a fresh connection is quicker. Not shorter:
 * behind a session-mode pooler, BEGIN waits its turn for a server connection.
 */
const CONTROL_TIMEOUT_MS = 10_000;

/** Longest pause between attempts to begin a transaction. */
const MAX_BEGIN_PAUSE_MS = 2_000;

interface Waiter {
  resolve(client: LaneClient): void;
  reject(reason: unknown): void;
  readonly purpose: LanePurpose;
}

function closedError(purpose: LanePurpose): StorageFaultError {
  return new StorageFaultError(`The Postgres backend was closed; ${purpose.closed}.`);
}


/** One connection, its statements sent one after another, and whether it failed. */
class LaneClient {
  readonly #sql: postgres.Sql;
  /** Set when the connection closed or failed during a transaction: send nothing more. */
  #failed: unknown = null;
  #inTransaction = false;
  /** The last statement sent; the next waits for it, so a failure is seen before the next write. */
  #tail: Promise<unknown> = Promise.resolve();
  #savepoints = 0;
  #purpose: LanePurpose = ATOMIC_TASK;

  constructor(base: postgres.Sql) {
    const inherited = base.options as unknown as postgres.Options<Record<string, postgres.PostgresType>> & { onclose?: (id: number) => void };
    const userOnClose = inherited.onclose;
    // The parsed options of `base` (a spread copy keeps its `shared` state, so postgres.js
    // takes them as already parsed): same server, credentials, parsers and serializers. One
    // connection; no idle or lifetime limit, which would close it inside a transaction; no
    // connect-time type query (its rejection escapes every caller when the connection is cut).
    this.#sql = postgres({
      ...inherited,
      max: 1,
      idle_timeout: null,
      max_lifetime: null,
      fetch_types: false,
      onclose: (id: number) => {
        if (this.#inTransaction && this.#failed === null) this.#failed = new Error("the connection closed");
        userOnClose?.(id);
      },
    } as unknown as postgres.Options<Record<string, postgres.PostgresType>>);
  }

  /** True once a connection failure made this client unusable for its transaction. */
  get broken(): boolean {
    return this.#failed !== null;
  }

  /**
   * Sends BEGIN. False when the connection failed (nothing has run: the caller may try another
   * connection); rejects on any other error.
   */
  async begin(purpose: LanePurpose): Promise<boolean> {
    this.#purpose = purpose;
    this.#inTransaction = true;
    this.#savepoints = 0;
    this.#failed = null;
    try {
      await this.#control("begin");
      return true;
    } catch (error) {
      this.#inTransaction = false;
      if (this.#failed !== null) return false;
      throw error;
    }
  }

  /** Runs `work` in the transaction {@link begin} opened, then commits (or rolls back and rethrows). */
  async commitAfter<T>(work: (tx: AtomicTransaction) => Promise<T>, db: PostgresJsDatabase<any>): Promise<T> {
    try {
      let result: T;
      try {
        result = await work(this.#transactionOf(db));
      } catch (error) {
        await this.#rollback();
        throw error;
      }
      await this.#control("commit");
      return result;
    } catch (error) {
      if (this.#failed === null || error instanceof StorageFaultError) throw error;
      throw this.#fault(error);
    } finally {
      this.#inTransaction = false;
    }
  }

  end(): Promise<void> {
    return this.#sql.end({ timeout: 0 }).catch(() => {});
  }

  /** Rolls back unless the connection is gone; a failed ROLLBACK leaves the connection in doubt, so it is dropped. */
  async #rollback(): Promise<void> {
    if (this.#failed !== null) return;
    try {
      await this.#control("rollback");
    } catch (error) {
      this.#failed ??= error;
    }
  }

  #fault(cause: unknown): StorageFaultError {
    return new StorageFaultError(
      `The connection of ${this.#purpose.transaction} failed before it committed; nothing of the transaction was stored, and ${this.#purpose.afterFault}.`,
      { cause },
    );
  }

  /**
   * What Drizzle's session calls: a query that runs when awaited (or when `.values()` is
   * called), after the one before it, and never once the connection has failed.
   */
  unsafe(query: string, params?: unknown[], options?: postgres.UnsafeQueryOptions): LaneQuery {
    let started: Promise<unknown> | null = null;
    const start = (values: boolean) => (started ??= this.#run(query, params ?? [], values, options));
    return {
      values: () => start(true),
      then: (onFulfilled, onRejected) => start(false).then(onFulfilled, onRejected),
    };
  }

  /** Nested transactions (`tx.transaction(...)`) as savepoints on the same connection. */
  async savepoint<T>(work: (client: LaneClient) => Promise<T>): Promise<T> {
    const name = `tasks_sp_${++this.#savepoints}`;
    await this.#run(`savepoint ${name}`, [], false);
    try {
      const result = await work(this);
      await this.#run(`release savepoint ${name}`, [], false);
      return result;
    } catch (error) {
      if (this.#failed === null) await this.#run(`rollback to savepoint ${name}`, [], false);
      throw error;
    }
  }

  /** BEGIN, COMMIT and ROLLBACK: our own statements, bounded in time (see {@link CONTROL_TIMEOUT_MS}). */
  #control(statement: string): Promise<unknown> {
    return this.#run(statement, [], false, undefined, CONTROL_TIMEOUT_MS);
  }

  #run(query: string, params: unknown[], values: boolean, options?: postgres.UnsafeQueryOptions, timeoutMs?: number): Promise<unknown> {
    const next = this.#tail.then(() => {
      if (this.#failed !== null) throw this.#fault(this.#failed);
      const pending = this.#sql.unsafe(query, params as postgres.ParameterOrJSON<never>[], options);
      const settled = (values ? pending.values() : pending).then(
        (rows) => rows,
        (error: unknown) => {
          // The connection failed (closed, terminated, timed out): the transaction is gone.
          if (this.#inTransaction && this.#failed === null && classifyStorageFault(error) === "transient") this.#failed = error;
          throw error;
        },
      );
      return timeoutMs === undefined ? settled : this.#bounded(settled, query, timeoutMs);
    });
    this.#tail = next.catch(() => {});
    return next;
  }

  /**
   * Fails `settled` after `timeoutMs`: the connection is then given up (a statement that never
   * answers means a connection stuck in its handshake or half-open), and the client is dropped.
   */
  #bounded(settled: Promise<unknown>, query: string, timeoutMs: number): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new StorageTimeoutError(`${query.toUpperCase()} of ${this.#purpose.transaction} did not answer within ${timeoutMs} ms; its connection is given up.`);
        this.#failed ??= error;
        reject(error);
      }, timeoutMs);
    });
    settled.catch(() => {});
    return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
  }


  #transactionOf(db: PostgresJsDatabase<any>): AtomicTransaction {
    const { dialect } = db as unknown as { dialect: ConstructorParameters<typeof Session>[1] };
    const parent = (db as unknown as { _: { session: unknown } })._.session as {
      schema: ConstructorParameters<typeof Session>[2];
      options: ConstructorParameters<typeof Session>[3];
    };
    // Drizzle's transaction session over this client: it calls only unsafe() and savepoint().
    const session = new Session(this as unknown as postgres.Sql, dialect, parent.schema, parent.options);
    return new PostgresJsTransaction(dialect, session as unknown as ConstructorParameters<typeof PostgresJsTransaction>[1], parent.schema);
  }
}

/** The part of a postgres.js pending query that Drizzle uses. */
interface LaneQuery extends PromiseLike<unknown> {
  values(): Promise<unknown>;
}
