/**
 * LISTEN/NOTIFY wake-ups. Enqueue notifies `tasks_enqueued` with the queue name; idle workers
 * subscribed through `onTasksAvailable` hear it and claim at once instead of at their next
 * poll. Polling stays the fallback, so a lost notification only costs latency.
 */
import type postgres from "postgres";
import { getLogger } from "@tasks/core";
import { ENQUEUED_CHANNEL, notifyQueues, type PgDb } from "./queries.js";

/** Outside a transaction, at most one notification per queue per this many milliseconds. */
export const NOTIFY_WINDOW_MS = 5;

/**
 * The payload of a LISTEN check: `*` is never a queue name, so no worker mistakes it for work.
 * Any notification heard proves the connection listens, so workers share each other's checks.
 */
export const LISTEN_CHECK_PAYLOAD = "*";

/** How long a LISTEN check waits for any notification before subscribing again. */
const CHECK_WAIT_MS = 3_000;

/**
 * Where LISTEN runs: on the application's own client (`shared`; a failed check subscribes
 * again on it), or on clients the backend opens for it (`open`; a failed check replaces the
 * client, so a connection that went half-open is left behind too).
 */
export type ListenSource = { readonly shared: postgres.Sql } | { readonly open: () => postgres.Sql };

/** Sends throttled notifications and fans received ones out to local listeners. */
export class Wakeups {
  readonly #db: PgDb;
  readonly #source: ListenSource | null;
  /** The client LISTEN runs on now (replaced after a failed check when the backend opens its own). */
  #listenClient: postgres.Sql | null = null;
  readonly #listeners = new Set<(queueName: string) => void>();
  readonly #lastSent = new Map<string, number>();
  readonly #trailing = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #checkEveryMs: number;
  #subscription: Promise<Subscription | null> | null = null;
  #checkTimer: ReturnType<typeof setInterval> | null = null;
  /** When the LISTEN connection last heard anything (a notification or a check's echo). */
  #lastHeardAt = 0;
  #checking = false;
  /** Checks in a row that heard nothing; the warning is repeated only every 30th. */
  #failedChecks = 0;
  #closed = false;

  /**
   * `checkEveryMs`: how often a quiet LISTEN connection is checked. postgres.js subscribes
   * again by itself after a reconnect, but if that LISTEN fails (the connection is killed again
   * meanwhile) it drops the channel without a word, and wake-ups would never come back.
   */
  constructor(db: PgDb, source: ListenSource | null, checkEveryMs = 10_000) {
    this.#db = db;
    this.#source = source;
    this.#checkEveryMs = checkEveryMs;
  }

  /**
   * Which of `queues` an enqueue should notify (in its own statement). Inside the
   * application's transaction: all of them (Postgres delivers on commit and folds
   * duplicates). On our own connection: at most one per queue per window, with a trailing
   * notification scheduled for enqueues that were held back.
   */
  queuesToNotify(queues: readonly string[], inTransaction: boolean): string[] {
    if (inTransaction) return [...queues];
    const now = Date.now();
    return queues.filter((queue) => {
      const last = this.#lastSent.get(queue);
      if (last === undefined || now - last >= NOTIFY_WINDOW_MS) {
        this.#lastSent.set(queue, now);
        return true;
      }
      this.#scheduleTrailing(queue, last + NOTIFY_WINDOW_MS - now);
      return false;
    });
  }

  #scheduleTrailing(queue: string, delayMs: number): void {
    if (this.#trailing.has(queue) || this.#closed) return;
    const timer = setTimeout(() => {
      this.#trailing.delete(queue);
      this.#lastSent.set(queue, Date.now());
      // A failed trailing notification only delays workers until their next poll.
      notifyQueues(this.#db, [queue]).catch(() => {});
    }, Math.max(0, delayMs));
    timer.unref?.();
    this.#trailing.set(queue, timer);
  }

  /** Adds a listener; the first one starts LISTEN and the checks that keep it alive. */
  subscribe(listener: (queueName: string) => void): () => void {
    if (!this.#source || this.#closed) return () => {};
    this.#listeners.add(listener);
    if (!this.#subscription) {
      this.#listenClient ??= "shared" in this.#source ? this.#source.shared : this.#source.open();
      this.#subscription = this.#listen(this.#listenClient);
      this.#startChecks();
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) void this.#unlisten();
    };
  }

  async #listen(client: postgres.Sql): Promise<Subscription | null> {
    try {
      return await client.listen(ENQUEUED_CHANNEL, (queueName) => {
        this.#lastHeardAt = Date.now();
        if (queueName === LISTEN_CHECK_PAYLOAD) return;
        for (const listener of [...this.#listeners]) {
          try {
            listener(queueName);
          } catch {
            // A listener that throws must not stop the others.
          }
        }
      });
    } catch {
      // Could not LISTEN (server down at start): polling still finds the work, and the next
      // check subscribes again.
      return null;
    }
  }

  #startChecks(): void {
    this.#lastHeardAt = Date.now();
    this.#checkTimer = setInterval(() => void this.#check(), this.#checkEveryMs);
    this.#checkTimer.unref?.();
  }

  /**
   * When nothing was heard for a whole interval: notifies the channel and, if no notification
   * arrives within {@link CHECK_WAIT_MS}, subscribes again (on a new connection when the
   * backend opened the LISTEN client itself, which also gets past a half-open socket).
   */
  async #check(): Promise<void> {
    if (this.#checking || this.#closed || !this.#subscription || !this.#source) return;
    if (Date.now() - this.#lastHeardAt < this.#checkEveryMs) return;
    this.#checking = true;
    try {
      const sentAt = Date.now();
      // The database is down: the worker's own calls report that; LISTEN is checked next time.
      if (!(await notifyQueues(this.#db, [LISTEN_CHECK_PAYLOAD]).then(() => true, () => false))) return;
      await new Promise((resolve) => setTimeout(resolve, CHECK_WAIT_MS).unref?.());
      if (this.#closed || !this.#subscription) return;
      if (this.#lastHeardAt >= sentAt) {
        this.#failedChecks = 0;
        return;
      }
      if (this.#failedChecks++ % 30 === 0) {
        getLogger().warn(
          `The LISTEN connection of the Postgres backend heard nothing within ${CHECK_WAIT_MS} ms of a check; subscribing again. ` +
            "Until it works, idle workers find new tasks by polling. Behind a connection pooler in transaction mode (PgBouncer pool_mode = transaction) LISTEN cannot work: pass postgresBackend({ listenUrl }) with a direct URL to Postgres (see \"Connection poolers\" in the @tasks/backend-drizzle README).",
        );
      }
      const stale = this.#subscription;
      if ("open" in this.#source) {
        const old = this.#listenClient;
        this.#listenClient = this.#source.open();
        this.#subscription = this.#listen(this.#listenClient);
        void old?.end({ timeout: 0 }).catch(() => {});
      } else {
        this.#subscription = this.#listen(this.#source.shared);
        dropSubscription(stale);
      }
      this.#lastHeardAt = Date.now();
    } finally {
      this.#checking = false;
    }
  }

  async #unlisten(): Promise<void> {
    if (this.#checkTimer) clearInterval(this.#checkTimer);
    this.#checkTimer = null;
    const subscription = this.#subscription;
    this.#subscription = null;
    if (this.#source && "open" in this.#source) {
      const client = this.#listenClient;
      this.#listenClient = null;
      await client?.end({ timeout: 0 }).catch(() => {});
    } else if (subscription) {
      // Bounded: UNLISTEN on a connection that stopped answering must not hold up close().
      await Promise.race([dropSubscription(subscription), new Promise((resolve) => setTimeout(resolve, 1_000).unref?.())]);
    }
  }

  /** Stops trailing notifications and LISTEN. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#trailing.values()) clearTimeout(timer);
    this.#trailing.clear();
    this.#listeners.clear();
    await this.#unlisten();
  }
}

/** A LISTEN registration as postgres.js returns it. */
interface Subscription {
  unlisten(): Promise<void>;
}

/** Unlistens once the subscription is made (never throws, never waits on a listen that hangs). */
function dropSubscription(subscription: Promise<Subscription | null>): Promise<void> {
  return subscription.then((handle) => handle?.unlisten()).then(
    () => {},
    () => {},
  );
}
