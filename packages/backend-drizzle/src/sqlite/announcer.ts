/**
 * This process's wake-up listeners of a SQLite backend: told the queue of each task stored
 * through the backend object (other processes poll; SQLite has no notifications).
 */
import type { EnqueueOutcome } from "@tasks/core/backend";

/** The listeners of `onTasksAvailable` and the call that tells them. */
export class QueueAnnouncer {
  readonly #listeners = new Set<(queueName: string) => void>();

  /** Adds `listener`; the function returned removes it. */
  subscribe(listener: (queueName: string) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Tells every listener each queue in `queues`. */
  announce(queues: Iterable<string>): void {
    for (const queue of queues) {
      for (const listener of [...this.#listeners]) {
        try {
          listener(queue);
        } catch {
          // A listener that throws must never break enqueue.
        }
      }
    }
  }

  /** Forgets every listener (the backend closed). */
  clear(): void {
    this.#listeners.clear();
  }
}

/** The queues of the tasks an enqueue created (not those whose unique key was held). */
export function createdQueues(outcomes: readonly EnqueueOutcome[]): Set<string> {
  return new Set(outcomes.filter((outcome) => outcome.created).map((outcome) => outcome.record.queueName));
}
