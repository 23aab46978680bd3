import { describe, expect } from "vitest";
import { at, errorRecord, newTask, type Harness } from "../harness.js";

const ZERO = { READY: 0, RUNNING: 0, SUCCESSFUL: 0, FAILED: 0, CANCELLED: 0 };

/** health: counts, oldest runnable READY age, running tasks, recent failures, live workers. */
export function healthSuite(h: Harness): void {
  describe("health", () => {
    h.test("reports nothing for an empty alias", {}, async () => {
      expect(await h.backend.health({ backend: h.alias(), now: at(0), recentFailures: 5 })).toEqual({
        queues: {},
        oldestReadyAgeMs: null,
        readyAgeByQueue: {},
        running: [],
        recentFailures: [],
        workers: [],
        unrunnable: [],
      });
    });

    h.test("counts tasks by queue and status", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      await h.enqueueOne(alias, { queueName: "q1" });
      await h.enqueueOne(alias, { queueName: "q1" });
      const running = await h.enqueueOne(alias, { queueName: "q1" });
      const cancelled = await h.enqueueOne(alias, { queueName: "q1" });
      const succeeded = await h.enqueueOne(alias, { queueName: "q2" });
      const failed = await h.enqueueOne(alias, { queueName: "q2" });
      await h.claimId(alias, running.id, at(1));
      await h.backend.cancel({ backend: alias, now: at(1), id: cancelled.id });
      await h.succeed(alias, await h.claimId(alias, succeeded.id, at(1)), at(2));
      await h.fail(alias, await h.claimId(alias, failed.id, at(1)), at(2));
      await h.enqueueOne(h.alias(), { queueName: "q3" });
      const report = await h.backend.health({ backend: alias, now: at(3), recentFailures: 5 });
      expect(report.queues).toEqual({
        q1: { ...ZERO, READY: 2, RUNNING: 1, CANCELLED: 1 },
        q2: { ...ZERO, SUCCESSFUL: 1, FAILED: 1 },
      });
    });

    h.test("scope live counts only READY and RUNNING tasks; everything else in the report is the same", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      await h.enqueueOne(alias, { queueName: "q1" }, at(0));
      const running = await h.enqueueOne(alias, { queueName: "q1" }, at(0));
      const failed = await h.enqueueOne(alias, { queueName: "q1" }, at(0));
      const done = await h.enqueueOne(alias, { queueName: "finished-only" }, at(0));
      await h.claimId(alias, running.id, at(1));
      await h.fail(alias, await h.claimId(alias, failed.id, at(1)), at(2));
      await h.succeed(alias, await h.claimId(alias, done.id, at(1)), at(2));
      const all = await h.backend.health({ backend: alias, now: at(3), recentFailures: 5 });
      const live = await h.backend.health({ backend: alias, now: at(3), recentFailures: 5, scope: "live" });
      expect(all.queues).toEqual({ q1: { ...ZERO, READY: 1, RUNNING: 1, FAILED: 1 }, "finished-only": { ...ZERO, SUCCESSFUL: 1 } });
      expect(live.queues).toEqual({ q1: { ...ZERO, READY: 1, RUNNING: 1 } });
      expect({ ...live, queues: all.queues }).toEqual(all);
      expect(live.recentFailures.map((failure) => failure.id)).toEqual([failed.id]);
    });

    h.test("counts every task once while tasks finish during the read", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const total = 60;
      await h.enqueue(alias, Array.from({ length: total }, () => newTask()), at(0));
      const claimed = await h.claim(alias, at(1), { limit: total });
      expect(claimed).toHaveLength(total);
      let finishing = true;
      const totals: number[] = [];
      const reads = (async () => {
        while (finishing) {
          const { queues } = await h.backend.health({ backend: alias, now: at(2), recentFailures: 0 });
          totals.push(Object.values(queues).reduce((sum, counts) => sum + Object.values(counts).reduce((a, b) => a + b, 0), 0));
        }
      })();
      // One completion at a time, each a row leaving the live tasks for the finished ones.
      for (const record of claimed) await h.succeed(alias, record, at(2));
      finishing = false;
      await reads;
      expect(totals.length).toBeGreaterThan(0);
      expect(new Set(totals)).toEqual(new Set([total]));
    });

    h.test("oldestReadyAgeMs measures the oldest READY task from when it became runnable", {}, async () => {
      const alias = h.alias();
      await h.enqueueOne(alias, {}, at(10));
      const report = await h.backend.health({ backend: alias, now: at(40), recentFailures: 0 });
      expect(report.oldestReadyAgeMs).toBe(30_000);
      await h.enqueueOne(alias, {}, at(5));
      expect((await h.backend.health({ backend: alias, now: at(40), recentFailures: 0 })).oldestReadyAgeMs).toBe(35_000);
    });

    h.test("readyAgeByQueue gives each queue's oldest runnable READY age; queues with none runnable are absent", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      await h.enqueueOne(alias, { queueName: "q1" }, at(10));
      await h.enqueueOne(alias, { queueName: "q1" }, at(20));
      await h.enqueueOne(alias, { queueName: "q2" }, at(25));
      const running = await h.enqueueOne(alias, { queueName: "q3" }, at(5));
      await h.claimId(alias, running.id, at(6));
      await h.enqueueOne(h.alias(), { queueName: "q1" }, at(0));
      const report = await h.backend.health({ backend: alias, now: at(40), recentFailures: 0 });
      expect(report.readyAgeByQueue).toEqual({ q1: 30_000, q2: 15_000 });
      expect(report.oldestReadyAgeMs).toBe(30_000);
    });

    h.test("readyAgeByQueue leaves out a queue whose READY tasks are all deferred past now", { supportsDefer: true }, async () => {
      const alias = h.alias();
      await h.enqueueOne(alias, { queueName: "later", runAfter: at(60) }, at(0));
      await h.enqueueOne(alias, { queueName: "now" }, at(10));
      expect((await h.backend.health({ backend: alias, now: at(30), recentFailures: 0 })).readyAgeByQueue).toEqual({ now: 20_000 });
      expect((await h.backend.health({ backend: alias, now: at(90), recentFailures: 0 })).readyAgeByQueue).toEqual({ now: 80_000, later: 30_000 });
    });

    h.test("oldestReadyAgeMs ignores deferred tasks that are not runnable yet", { supportsDefer: true }, async () => {
      const alias = h.alias();
      await h.enqueueOne(alias, { runAfter: at(60) }, at(0));
      expect((await h.backend.health({ backend: alias, now: at(30), recentFailures: 0 })).oldestReadyAgeMs).toBeNull();
      expect((await h.backend.health({ backend: alias, now: at(90), recentFailures: 0 })).oldestReadyAgeMs).toBe(30_000);
      await h.enqueueOne(alias, {}, at(20));
      expect((await h.backend.health({ backend: alias, now: at(90), recentFailures: 0 })).oldestReadyAgeMs).toBe(70_000);
    });

    h.test("lists running tasks with their worker, start time and lease expiry", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const one = await h.enqueueOne(alias, { taskName: "a.one", queueName: "q1" });
      const two = await h.enqueueOne(alias, { taskName: "a.two", queueName: "q2" });
      await h.claimId(alias, one.id, at(1), "worker-a", 5_000);
      await h.claimId(alias, two.id, at(2), "worker-b", 5_000);
      const report = await h.backend.health({ backend: alias, now: at(3), recentFailures: 0 });
      const running = [...report.running].sort((a, b) => (a.taskName < b.taskName ? -1 : 1));
      expect(running).toEqual([
        { id: one.id, taskName: "a.one", queueName: "q1", workerId: "worker-a", startedAt: at(1), leaseExpiresAt: at(6) },
        { id: two.id, taskName: "a.two", queueName: "q2", workerId: "worker-b", startedAt: at(2), leaseExpiresAt: at(7) },
      ]);
    });

    h.test("lists recent failures newest first, with their last error, up to the limit", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const finishedAt = [5, 20, 10];
      const records = [];
      for (const [index, seconds] of finishedAt.entries()) {
        const record = await h.enqueueOne(alias, { taskName: `f.${index}` });
        await h.fail(alias, await h.claimId(alias, record.id, at(1)), at(seconds), `error ${index}`);
        records.push(record);
      }
      const report = await h.backend.health({ backend: alias, now: at(30), recentFailures: 2 });
      expect(report.recentFailures).toEqual([
        { id: records[1]!.id, taskName: "f.1", queueName: "default", finishedAt: at(20), error: errorRecord("error 1") },
        { id: records[2]!.id, taskName: "f.2", queueName: "default", finishedAt: at(10), error: errorRecord("error 2") },
      ]);
    });

    h.test("lists workers whose heartbeat has not expired", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      await h.backend.heartbeat({ backend: alias, now: at(0), workerId: "worker-old", leases: [], leaseMs: 10_000 });
      await h.backend.heartbeat({ backend: alias, now: at(5), workerId: "worker-new", leases: [], leaseMs: 10_000 });
      await h.backend.heartbeat({ backend: h.alias(), now: at(5), workerId: "worker-elsewhere", leases: [], leaseMs: 10_000 });
      const atSix = await h.backend.health({ backend: alias, now: at(6), recentFailures: 0 });
      expect([...atSix.workers].sort((a, b) => (a.workerId < b.workerId ? -1 : 1))).toEqual([
        { workerId: "worker-new", lastSeenAt: at(5), expiresAt: at(15), taskNames: null },
        { workerId: "worker-old", lastSeenAt: at(0), expiresAt: at(10), taskNames: null },
      ]);
      expect((await h.backend.health({ backend: alias, now: at(12), recentFailures: 0 })).workers).toEqual([
        { workerId: "worker-new", lastSeenAt: at(5), expiresAt: at(15), taskNames: null },
      ]);
      expect((await h.backend.health({ backend: alias, now: at(16), recentFailures: 0 })).workers).toEqual([]);
      await h.backend.heartbeat({ backend: alias, now: at(20), workerId: "worker-old", leases: [], leaseMs: 10_000 });
      expect((await h.backend.health({ backend: alias, now: at(21), recentFailures: 0 })).workers).toEqual([
        { workerId: "worker-old", lastSeenAt: at(20), expiresAt: at(30), taskNames: null },
      ]);
    });
  });
}
