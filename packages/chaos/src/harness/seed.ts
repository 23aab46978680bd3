import { closeTasks, configureTasks, type TaskBackend } from "@tasks/core";
import { atomicTask, plainTask } from "../fixture/tasks.js";
import { ATOMIC_EVERY, MAX_ATTEMPTS } from "../fixture/settings.js";

/** A backend that can apply its own migrations (both Drizzle backends can). */
export type MigratableBackend = TaskBackend & { migrate(): Promise<string[]> };

/** How many tasks to store and how long each works. */
export interface SeedPlan {
  readonly count: number;
  /**
   * Milliseconds of work for plain task number `seq`. Atomic tasks get 0: work inside their
   * transaction holds a pooled connection (Postgres) or the write lock (SQLite), which starves
   * heartbeats (issue 11 item 5), a separate defect from the faults measured here.
   */
  readonly workMs: (seq: number) => number;
}

const CHUNK = 500;

/** 5–25 ms, spread evenly over the sequence numbers. */
export function shortWork(seq: number): number {
  return 5 + ((seq * 7919) % 21);
}

/**
 * Migrates the database and enqueues `plan.count` tasks through the product's API, one in
 * five atomic (those with `seq % 5 === 0`), then closes the backend: the harness holds no driver connection while it
 * injects faults.
 */
export async function seedTasks(backend: MigratableBackend, plan: SeedPlan): Promise<void> {
  await backend.migrate();
  await enqueueTasks(backend, plan, 0);
}

/** Enqueues tasks `firstSeq … firstSeq + plan.count - 1` (one in five atomic), then closes the backend. */
export async function enqueueTasks(backend: TaskBackend, plan: SeedPlan, firstSeq: number): Promise<void> {
  configureTasks({ backends: { default: { backend, maxAttempts: MAX_ATTEMPTS } } });
  const end = firstSeq + plan.count;
  try {
    for (let start = firstSeq; start < end; start += CHUNK) {
      const plain: [number, number][] = [];
      const atomic: [number, number][] = [];
      for (let seq = start; seq < Math.min(end, start + CHUNK); seq += 1) {
        if (seq % ATOMIC_EVERY === 0) atomic.push([seq, 0]);
        else plain.push([seq, plan.workMs(seq)]);
      }
      await plainTask.enqueueMany(plain);
      await atomicTask.enqueueMany(atomic);
    }
  } finally {
    await closeTasks();
  }
}
