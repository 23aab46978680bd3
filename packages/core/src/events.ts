import { getLogger } from "./config.js";
import type { TaskResult } from "./result.js";

/** Payload of every task event. */
export interface TaskEvent {
  readonly result: TaskResult<unknown>;
}

/** Payload of `taskRetried`: the task is READY again and will run at `result.runAfter`. */
export interface TaskRetriedEvent extends TaskEvent {
  readonly error: unknown;
}

/** The events and their payloads. */
export interface TaskEventMap {
  /**
   * A task was stored (not sent for a unique enqueue that found an active task). An enqueue
   * inside the application's transaction fires when the row is written, before the commit,
   * and the event is not withdrawn if that transaction rolls back; use `enqueueOnCommit`
   * when listeners must only hear of committed tasks.
   */
  taskEnqueued: TaskEvent;
  /** A worker started an attempt. */
  taskStarted: TaskEvent;
  /** A task reached SUCCESSFUL or FAILED (or CANCELLED while running). */
  taskFinished: TaskEvent;
  /** An attempt failed and the task will be retried. */
  taskRetried: TaskRetriedEvent;
  /** A task whose lease ran out was put back to READY or marked FAILED. */
  taskRescued: TaskEvent;
}

/** Name of one event. */
export type TaskEventName = keyof TaskEventMap;

type Listener<E extends TaskEventName> = (event: TaskEventMap[E]) => void | Promise<void>;

const listeners = new Map<TaskEventName, Set<Listener<TaskEventName>>>();

/**
 * Typed task events. A listener that throws (or rejects) is logged and never breaks an
 * enqueue or a worker.
 */
export const taskEvents = {
  /** Adds a listener; returns a function that removes it. */
  on<E extends TaskEventName>(name: E, listener: Listener<E>): () => void {
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    set.add(listener as Listener<TaskEventName>);
    return () => this.off(name, listener);
  },
  /** Removes a listener. */
  off<E extends TaskEventName>(name: E, listener: Listener<E>): void {
    listeners.get(name)?.delete(listener as Listener<TaskEventName>);
  },
  /** Whether anyone listens to `name` (lets hot paths skip building an event nobody hears). */
  listens(name: TaskEventName): boolean {
    return (listeners.get(name)?.size ?? 0) > 0;
  },
  /** Removes every listener (for tests). */
  clear(): void {
    listeners.clear();
  },
  /** Calls the listeners of `name`. Used by core; never throws. */
  emit<E extends TaskEventName>(name: E, event: TaskEventMap[E]): void {
    const set = listeners.get(name);
    if (!set || set.size === 0) return;
    for (const listener of set) {
      try {
        const returned = listener(event);
        if (returned && typeof (returned as Promise<void>).catch === "function") {
          (returned as Promise<void>).catch((error: unknown) => reportListenerError(name, error));
        }
      } catch (error) {
        reportListenerError(name, error);
      }
    }
  },
};

function reportListenerError(name: TaskEventName, error: unknown): void {
  getLogger().error(`A "${name}" listener threw; the task is unaffected.`, {
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}
