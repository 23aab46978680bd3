/**
 * LISTEN/NOTIFY wake-ups. Enqueue notifies `tasks_enqueued` with the queue name; idle workers
 * subscribed through `onTasksAvailable` hear it and claim at once instead of at their next
 * poll. Polling stays the fallback, so a lost notification only costs latency.
 */
import type postgres from "postgres";
import { ENQUEUED_CHANNEL, notifyQueues, type PgDb } from "./queries.js";

/** Outside a transaction, at most one notification per queue per this many milliseconds. */
export const NOTIFY_WINDOW_MS = 5;

/** Sends throttled notifications and fans received ones out to local listeners. */
export class Wakeups {
  readonly #db: PgDb;
  readonly #client: postgres.Sql | null;
  readonly #listeners = new Set<(queueName: string) => void>();
  readonly #lastSent = new Map<string, number>();
  readonly #trailing = new Map<string, ReturnType<typeof setTimeout>>();
  #subscription: Promise<{ unlisten: () => Promise<void> } | null> | null = null;
  #closed = false;

  constructor(db: PgDb, client: postgres.Sql | null) {
    this.#db = db;
    this.#client = client;
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

  /** Adds a listener; the first one starts LISTEN (postgres.js re-listens after reconnects). */
  subscribe(listener: (queueName: string) => void): () => void {
    if (!this.#client || this.#closed) return () => {};
    this.#listeners.add(listener);
    if (!this.#subscription) this.#subscription = this.#listen(this.#client);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) void this.#unlisten();
    };
  }

  async #listen(client: postgres.Sql): Promise<{ unlisten: () => Promise<void> } | null> {
    try {
      return await client.listen(ENQUEUED_CHANNEL, (queueName) => {
        for (const listener of [...this.#listeners]) {
          try {
            listener(queueName);
          } catch {
            // A listener that throws must not stop the others.
          }
        }
      });
    } catch {
      // Could not LISTEN (server down at start): polling still finds the work.
      this.#subscription = null;
      return null;
    }
  }

  async #unlisten(): Promise<void> {
    const subscription = this.#subscription;
    this.#subscription = null;
    const handle = await subscription;
    await handle?.unlisten().catch(() => {});
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
