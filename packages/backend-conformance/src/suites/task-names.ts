import { describe, expect } from "vitest";
import { at, ids, type Harness } from "../harness.js";

const WORKERS = { supportsWorkers: true } as const;
const A = "names.a";
const B = "names.b";
const C = "names.c";

/**
 * Task names: a claim takes only the names its worker registered (rolling deploys), a
 * heartbeat stores those names, and health() lists READY work no live worker can run.
 */
export function taskNameSuite(h: Harness): void {
  describe("task names", () => {
    h.test("a claim with taskNames takes only those names, in claim order, and leaves the others READY and untouched", WORKERS, async () => {
      const alias = h.alias();
      // The other names come first in claim order, so a claim that applied `limit` before the
      // name filter would come back short.
      const b1 = await h.enqueueOne(alias, { taskName: B, maxAttempts: 5 }, at(0));
      const a1 = await h.enqueueOne(alias, { taskName: A }, at(1));
      const b2 = await h.enqueueOne(alias, { taskName: B, maxAttempts: 5 }, at(2));
      const c1 = await h.enqueueOne(alias, { taskName: C }, at(3));
      const a2 = await h.enqueueOne(alias, { taskName: A }, at(4));
      const a3 = await h.enqueueOne(alias, { taskName: A }, at(5));
      expect(ids(await h.claim(alias, at(10), { limit: 2, taskNames: [A, C] }))).toEqual([a1.id, c1.id]);
      expect(ids(await h.claim(alias, at(10), { limit: 10, taskNames: ["names.unknown", A] }))).toEqual([a2.id, a3.id]);
      expect(await h.claim(alias, at(10), { limit: 10, taskNames: [C] })).toEqual([]);
      expect(await h.claim(alias, at(10), { limit: 10, taskNames: [] })).toEqual([]);
      expect(await h.mustGet(alias, b1.id)).toEqual(b1);
      expect(await h.mustGet(alias, b2.id)).toEqual(b2);
      expect(b1).toMatchObject({ status: "READY", attempts: 0, workerIds: [], errors: [] });
      // Without taskNames, any name is claimed.
      expect(ids(await h.claim(alias, at(11), { limit: 10 }))).toEqual([b1.id, b2.id]);
    });

    h.test("taskNames narrow a claim together with its queues and ids", WORKERS, async () => {
      const alias = h.alias();
      const aQ1 = await h.enqueueOne(alias, { taskName: A, queueName: "q1" }, at(0));
      const bQ1 = await h.enqueueOne(alias, { taskName: B, queueName: "q1" }, at(1));
      const aQ2 = await h.enqueueOne(alias, { taskName: A, queueName: "q2" }, at(2));
      const claim = (queues: { include: string[] | "*"; exclude: string[] }, taskNames: string[], only?: string[]) =>
        h.backend.claim({ backend: alias, now: at(5), workerId: "w", queues, limit: 10, leaseMs: 1000, taskNames, ...(only ? { ids: only } : {}) });
      expect(await claim({ include: "*", exclude: [] }, [A], [bQ1.id])).toEqual([]);
      expect(ids(await claim({ include: ["q2"], exclude: [] }, [A, B]))).toEqual([aQ2.id]);
      expect(ids(await claim({ include: "*", exclude: ["q2"] }, [A]))).toEqual([aQ1.id]);
      expect((await h.mustGet(alias, bQ1.id)).status).toBe("READY");
    });

    h.test("rejects taskNames that are not an array of strings, naming the parameter", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { taskName: A });
      for (const taskNames of [A, [A, 7], null]) {
        const claim = { backend: alias, now: at(1), workerId: "w", queues: { include: "*" as const, exclude: [] }, limit: 1, leaseMs: 1000, taskNames: taskNames as never };
        await expect(h.backend.claim(claim)).rejects.toThrow(/"taskNames" must be an array of task names/);
        await expect(h.backend.heartbeat({ backend: alias, now: at(1), workerId: "w", leases: [], leaseMs: 1000, taskNames: taskNames as never })).rejects.toThrow(
          /"taskNames" must be an array of task names/,
        );
      }
      expect(await h.mustGet(alias, record.id)).toEqual(record);
    });

    h.test("a heartbeat stores the worker's task names; one without names keeps them, one with names replaces them", WORKERS, async () => {
      const alias = h.alias();
      await h.beat(alias, at(0), "worker-named", [B, A]);
      await h.beat(alias, at(0), "worker-silent");
      const workers = async (seconds: number) =>
        [...(await h.backend.health({ backend: alias, now: at(seconds), recentFailures: 0 })).workers].sort((x, y) => (x.workerId < y.workerId ? -1 : 1));
      expect(await workers(1)).toEqual([
        { workerId: "worker-named", lastSeenAt: at(0), expiresAt: at(10), taskNames: [B, A] },
        { workerId: "worker-silent", lastSeenAt: at(0), expiresAt: at(10), taskNames: null },
      ]);
      await h.beat(alias, at(2), "worker-named");
      await h.beat(alias, at(2), "worker-silent", []);
      expect(await workers(3)).toEqual([
        { workerId: "worker-named", lastSeenAt: at(2), expiresAt: at(12), taskNames: [B, A] },
        { workerId: "worker-silent", lastSeenAt: at(2), expiresAt: at(12), taskNames: [] },
      ]);
      await h.beat(alias, at(4), "worker-named", [C]);
      expect((await workers(5))[0]).toEqual({ workerId: "worker-named", lastSeenAt: at(4), expiresAt: at(14), taskNames: [C] });
    });

    h.test("with no live worker, unrunnable lists every READY task by name and queue", {}, async () => {
      const alias = h.alias();
      await h.enqueueOne(alias, { taskName: B }, at(0));
      await h.enqueueOne(alias, { taskName: A, queueName: "q2" }, at(0));
      await h.enqueueOne(alias, { taskName: A }, at(0));
      await h.enqueueOne(alias, { taskName: A }, at(0));
      await h.enqueueOne(h.alias(), { taskName: C }, at(0));
      expect((await h.backend.health({ backend: alias, now: at(1), recentFailures: 0 })).unrunnable).toEqual([
        { taskName: A, queueName: "default", count: 2 },
        { taskName: A, queueName: "q2", count: 1 },
        { taskName: B, queueName: "default", count: 1 },
      ]);
    });

    h.test("unrunnable counts READY tasks whose name no live worker of the alias reported; workers without names cover all", WORKERS, async () => {
      const alias = h.alias();
      await h.enqueueOne(alias, { taskName: A }, at(0));
      await h.enqueueOne(alias, { taskName: A, queueName: "q2" }, at(0));
      await h.enqueueOne(alias, { taskName: B }, at(0));
      await h.enqueueOne(alias, { taskName: B }, at(0));
      // RUNNING and finished rows are not waiting: only READY ones are counted.
      await h.claimId(alias, (await h.enqueueOne(alias, { taskName: C }, at(0))).id, at(0));
      await h.succeed(alias, await h.claimId(alias, (await h.enqueueOne(alias, { taskName: C }, at(0))).id, at(0)), at(0));
      const unrunnable = async (seconds: number) => (await h.backend.health({ backend: alias, now: at(seconds), recentFailures: 0 })).unrunnable;
      const allReady = [
        { taskName: A, queueName: "default", count: 1 },
        { taskName: A, queueName: "q2", count: 1 },
        { taskName: B, queueName: "default", count: 2 },
      ];
      expect(await unrunnable(1)).toEqual(allReady);

      await h.beat(alias, at(1), "worker-a", [A, C], 10_000); // live until 11 s
      await h.beat(h.alias(), at(1), "worker-elsewhere", [B], 60_000); // another alias: no help here
      expect(await unrunnable(2)).toEqual([{ taskName: B, queueName: "default", count: 2 }]);

      await h.beat(alias, at(5), "worker-any", undefined, 10_000); // never said: can run anything, live until 15 s
      expect(await unrunnable(6)).toEqual([]);
      expect(await unrunnable(12)).toEqual([]); // worker-a expired, worker-any still covers everything
      expect(await unrunnable(15)).toEqual([]); // live until the instant it expires
      expect(await unrunnable(16)).toEqual(allReady);

      await h.beat(alias, at(20), "worker-b", [B], 10_000);
      await h.beat(alias, at(20), "worker-none", [], 10_000);
      expect(await unrunnable(21)).toEqual([
        { taskName: A, queueName: "default", count: 1 },
        { taskName: A, queueName: "q2", count: 1 },
      ]);
    });

    h.test("unrunnable counts deferred READY tasks too", { supportsWorkers: true, supportsDefer: true }, async () => {
      const alias = h.alias();
      await h.enqueueOne(alias, { taskName: B, runAfter: at(600) }, at(0));
      await h.enqueueOne(alias, { taskName: A }, at(0));
      await h.beat(alias, at(0), "worker-a", [A]);
      expect((await h.backend.health({ backend: alias, now: at(1), recentFailures: 0 })).unrunnable).toEqual([{ taskName: B, queueName: "default", count: 1 }]);
    });
  });
}
