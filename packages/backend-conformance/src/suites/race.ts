import { describe, expect } from "vitest";
import type { TaskBackend } from "@tasks/core/backend";
import { at, newTask, type Harness } from "../harness.js";

const TASKS = 500;
const CLAIMERS = 8;
const BATCH = 7;
/** Extra instances opened with `openAnother` (claimers share them round-robin with the main one). */
const EXTRA_INSTANCES = 3;

/** Many concurrent claimers: every task is claimed exactly once. */
export function raceSuite(h: Harness): void {
  describe("concurrent claims", () => {
    h.test(
      `${CLAIMERS} claimers taking batches of ${BATCH} claim each of ${TASKS} tasks exactly once`,
      { supportsWorkers: true },
      async () => {
        const alias = h.alias();
        const tasks = Array.from({ length: TASKS }, (_, index) => newTask({ args: [index], priority: index % 3 }));
        await h.enqueue(alias, tasks);
        const instances: TaskBackend[] = [h.backend];
        const opened: TaskBackend[] = [];
        try {
          if (h.setup.openAnother) {
            for (let index = 0; index < EXTRA_INSTANCES; index++) opened.push(await h.setup.openAnother());
            instances.push(...opened);
          }
          const claimer = async (index: number): Promise<string[]> => {
            const backend = instances[index % instances.length]!;
            const mine: string[] = [];
            for (;;) {
              const claimed = await backend.claim({
                backend: alias,
                now: at(1),
                workerId: `racer-${index}`,
                queues: { include: "*", exclude: [] },
                limit: BATCH,
                leaseMs: 60_000,
              });
              if (claimed.length === 0) return mine;
              expect(claimed.length).toBeLessThanOrEqual(BATCH);
              for (const record of claimed) {
                expect(record.workerIds).toEqual([`racer-${index}`]);
                mine.push(record.id);
              }
            }
          };
          const perClaimer = await Promise.all(Array.from({ length: CLAIMERS }, (_, index) => claimer(index)));
          const all = perClaimer.flat();
          expect(all).toHaveLength(TASKS);
          expect(new Set(all).size).toBe(TASKS);
          expect(new Set(all)).toEqual(new Set(tasks.map((task) => task.id)));
          const health = await h.backend.health({ backend: alias, now: at(2), recentFailures: 0 });
          expect(health.queues["default"]).toMatchObject({ READY: 0, RUNNING: TASKS });
        } finally {
          await Promise.all(opened.map((backend) => backend.close()));
        }
      },
      120_000,
    );
  });
}
