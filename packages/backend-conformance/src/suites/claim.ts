import { describe, expect } from "vitest";
import { at, errorRecord, ids, newTask, type Harness } from "../harness.js";

/** claim: order, deferral, limit, queue selection, alias partitioning and the fields it sets. */
export function claimSuite(h: Harness): void {
  describe("claim", () => {
    /** Claims one task at a time until none is left; returns the ids in claim order. */
    async function drain(alias: string, seconds: number): Promise<string[]> {
      const order: string[] = [];
      for (;;) {
        const [claimed] = await h.claim(alias, at(seconds));
        if (!claimed) return order;
        order.push(claimed.id);
      }
    }

    h.test("claims by runnable time, then enqueue order (id) for equal times", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const late = await h.enqueueOne(alias, {}, at(3));
      const first = await h.enqueueOne(alias, {}, at(0));
      const tied = await h.enqueueOne(alias, {}, at(0));
      const middle = await h.enqueueOne(alias, {}, at(1));
      expect(await drain(alias, 10)).toEqual([first.id, tied.id, middle.id, late.id]);
    });

    h.test("claims higher priority first, whatever the enqueue time", { supportsWorkers: true, supportsPriority: true }, async () => {
      const alias = h.alias();
      const low = await h.enqueueOne(alias, { priority: -5 }, at(0));
      const normal = await h.enqueueOne(alias, { priority: 0 }, at(0));
      const high = await h.enqueueOne(alias, { priority: 10 }, at(2));
      const highest = await h.enqueueOne(alias, { priority: 100 }, at(5));
      expect(await drain(alias, 10)).toEqual([highest.id, high.id, normal.id, low.id]);
    });

    h.test("orders deferred tasks by runAfter among the others", { supportsWorkers: true, supportsDefer: true, supportsPriority: true }, async () => {
      const alias = h.alias();
      const a = await h.enqueueOne(alias, {}, at(0));
      const g = await h.enqueueOne(alias, {}, at(0));
      const b = await h.enqueueOne(alias, { priority: 10 }, at(1));
      const n = await h.enqueueOne(alias, { priority: -5 }, at(0));
      const d = await h.enqueueOne(alias, { runAfter: at(-10) }, at(2)); // runnable before everything
      const f = await h.enqueueOne(alias, {}, at(3));
      const e = await h.enqueueOne(alias, { runAfter: at(5) }, at(0)); // enqueued first, runnable late
      expect(await drain(alias, 10)).toEqual([b.id, d.id, a.id, g.id, f.id, e.id, n.id]);
    });

    h.test("a claim after others still takes first what became READY ahead of them: a higher priority, an earlier runAfter, a retry", { supportsWorkers: true, supportsDefer: true, supportsPriority: true }, async () => {
      const alias = h.alias();
      const first = await h.enqueueOne(alias, {}, at(0));
      const second = await h.enqueueOne(alias, {}, at(1));
      const third = await h.enqueueOne(alias, {}, at(2));
      expect(ids(await h.claim(alias, at(10)))).toEqual([first.id]);
      const high = await h.enqueueOne(alias, { priority: 10 }, at(11));
      expect(ids(await h.claim(alias, at(12)))).toEqual([high.id]);
      const early = await h.enqueueOne(alias, { runAfter: at(-10) }, at(13));
      expect(ids(await h.claim(alias, at(14)))).toEqual([early.id]);
      const [claimed] = await h.claim(alias, at(15));
      expect(claimed?.id).toBe(second.id);
      const retry = { status: "READY" as const, runAfter: at(-20), error: errorRecord("again") };
      await h.backend.complete({ backend: alias, now: at(16), completions: [{ id: second.id, attempt: claimed!.attempts, outcome: retry }] });
      expect(ids(await h.claim(alias, at(17)))).toEqual([second.id]);
      expect(ids(await h.claim(alias, at(18)))).toEqual([third.id]);
    });

    h.test("never claims a deferred task before runAfter; claims it at and after", { supportsWorkers: true, supportsDefer: true }, async () => {
      const alias = h.alias();
      const deferred = await h.enqueueOne(alias, { runAfter: at(60) }, at(0));
      expect(await h.claim(alias, at(59.999))).toEqual([]);
      const [claimed] = await h.claim(alias, at(60));
      expect(claimed?.id).toBe(deferred.id);
      const later = await h.enqueueOne(alias, { runAfter: at(70) }, at(0));
      expect(ids(await h.claim(alias, at(500)))).toEqual([later.id]);
    });

    h.test("ignoreRunAfter claims a deferred task early; ids restricts the claim", { supportsWorkers: true, supportsDefer: true }, async () => {
      const alias = h.alias();
      const urgent = await h.enqueueOne(alias, { priority: 0 }, at(0));
      const deferred = await h.enqueueOne(alias, { runAfter: at(3600) }, at(0));
      expect(ids(await h.claim(alias, at(1), { ids: [deferred.id], limit: 5 }))).toEqual([]);
      expect(ids(await h.claim(alias, at(1), { ids: [deferred.id], limit: 5, ignoreRunAfter: true }))).toEqual([deferred.id]);
      expect((await h.mustGet(alias, urgent.id)).status).toBe("READY");
    });

    h.test("claims only the given ids, even when others come first", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const first = await h.enqueueOne(alias, {}, at(0));
      const second = await h.enqueueOne(alias, {}, at(1));
      const third = await h.enqueueOne(alias, {}, at(2));
      const claimed = await h.claim(alias, at(5), { ids: [third.id, second.id], limit: 10 });
      expect(ids(claimed).sort()).toEqual([second.id, third.id].sort());
      expect((await h.mustGet(alias, first.id)).status).toBe("READY");
    });

    h.test("respects limit", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const tasks = Array.from({ length: 5 }, (_, index) => newTask({ args: [index] }));
      await h.enqueue(alias, tasks);
      const firstTwo = await h.claim(alias, at(1), { limit: 2 });
      expect(ids(firstTwo).sort()).toEqual(ids(tasks.slice(0, 2)).sort());
      expect(await h.claim(alias, at(1), { limit: 10 })).toHaveLength(3);
      expect(await h.claim(alias, at(1), { limit: 10 })).toEqual([]);
    });

    h.test("takes only the selected queues: include list, \"*\" and exclude", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const byQueue = new Map<string, string>();
      for (const queueName of ["a", "b", "c", "d"]) byQueue.set(queueName, (await h.enqueueOne(alias, { queueName })).id);
      const claimFrom = async (include: string[] | "*", exclude: string[]) =>
        ids(await h.backend.claim({ backend: alias, now: at(1), workerId: "w", queues: { include, exclude }, limit: 10, leaseMs: 1000 })).sort();
      expect(await claimFrom(["a", "zzz"], [])).toEqual([byQueue.get("a")]);
      expect(await claimFrom(["b", "c"], ["c"])).toEqual([byQueue.get("b")]);
      expect(await claimFrom("*", ["c"])).toEqual([byQueue.get("d")]);
      expect(await claimFrom("*", [])).toEqual([byQueue.get("c")]);
    });

    h.test("claims only from its own backend alias", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const other = h.alias();
      const mine = await h.enqueueOne(alias, {}, at(0));
      const theirs = await h.enqueueOne(other, {}, at(0));
      const claimed = await h.claim(alias, at(1), { limit: 10 });
      expect(ids(claimed)).toEqual([mine.id]);
      expect(claimed[0]?.backend).toBe(alias);
      expect((await h.mustGet(other, theirs.id)).status).toBe("READY");
    });

    h.test("marks the task RUNNING with attempts, worker id, start times and lease expiry", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 3 }, at(0));
      const [claimed] = await h.claim(alias, at(2), { workerId: "worker-a", leaseMs: 30_000 });
      const expected = {
        ...record,
        status: "RUNNING",
        attempts: 1,
        workerIds: ["worker-a"],
        startedAt: at(2),
        lastAttemptedAt: at(2),
        leaseExpiresAt: at(32),
      };
      expect(claimed).toEqual(expected);
      expect(await h.mustGet(alias, record.id)).toEqual(expected);
      expect(await h.claim(alias, at(3))).toEqual([]);
    });
  });
}
