import { describe, expect } from "vitest";
import { at, errorRecord, ids, type Harness } from "../harness.js";

const WORKERS = { supportsWorkers: true } as const;
const WORKER_LOST = errorRecord("worker lost", "WorkerLostError");

/** heartbeat and rescueExpired: leases renewed, lost, and recovered. */
export function leaseSuite(h: Harness): void {
  describe("heartbeat", () => {
    h.test("extends the leases it still holds, so they are not rescued at the old expiry", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 2 });
      const claimed = await h.claimId(alias, record.id, at(0), "worker-1", 10_000);
      const { lost } = await h.backend.heartbeat({ backend: alias, now: at(8), workerId: "worker-1", leases: [{ id: record.id, attempt: claimed.attempts }], leaseMs: 10_000 });
      expect(lost).toEqual([]);
      expect((await h.mustGet(alias, record.id)).leaseExpiresAt).toEqual(at(18));
      expect(await h.backend.rescueExpired({ backend: alias, now: at(12), limit: 10, error: WORKER_LOST })).toEqual([]);
      expect((await h.mustGet(alias, record.id)).status).toBe("RUNNING");
      expect(ids(await h.backend.rescueExpired({ backend: alias, now: at(18.001), limit: 10, error: WORKER_LOST }))).toEqual([record.id]);
    });

    h.test("reports lost leases with the task's status now, and extends none of them", WORKERS, async () => {
      const alias = h.alias();
      const kept = await h.enqueueOne(alias, { maxAttempts: 1 });
      const cancelled = await h.enqueueOne(alias, { maxAttempts: 1 });
      const retried = await h.enqueueOne(alias, { maxAttempts: 2 });
      const exhausted = await h.enqueueOne(alias, { maxAttempts: 1 });
      const reclaimed = await h.enqueueOne(alias, { maxAttempts: 3 });
      const leases = [];
      for (const record of [kept, cancelled, retried, exhausted, reclaimed]) {
        const claimed = await h.claimId(alias, record.id, at(0), "worker-1", 5_000);
        leases.push({ id: claimed.id, attempt: claimed.attempts });
      }
      await h.backend.heartbeat({ backend: alias, now: at(4), workerId: "worker-1", leases: [{ id: kept.id, attempt: 1 }], leaseMs: 5_000 });
      await h.backend.cancel({ backend: alias, now: at(6), id: cancelled.id });
      await h.backend.rescueExpired({ backend: alias, now: at(6), limit: 10, error: WORKER_LOST });
      await h.claimId(alias, reclaimed.id, at(7), "worker-2", 5_000);
      const unknown = { id: "00000000-0000-7000-8000-000000000001", attempt: 1 };
      const { lost } = await h.backend.heartbeat({ backend: alias, now: at(8), workerId: "worker-1", leases: [...leases, unknown], leaseMs: 5_000 });
      const byId = Object.fromEntries(lost.map((entry) => [entry.id, entry.status]));
      expect(byId).toEqual({
        [cancelled.id]: "CANCELLED",
        [retried.id]: "READY",
        [exhausted.id]: "FAILED",
        [reclaimed.id]: "RUNNING",
        [unknown.id]: null,
      });
      expect((await h.mustGet(alias, kept.id)).leaseExpiresAt).toEqual(at(13));
      expect((await h.mustGet(alias, reclaimed.id)).leaseExpiresAt).toEqual(at(12));
      expect((await h.mustGet(alias, retried.id)).leaseExpiresAt).toBeNull();
    });
  });

  describe("rescueExpired", () => {
    h.test("puts an expired task back to READY, keeping its runnable time, when attempts remain", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 2 });
      const claimed = await h.claimId(alias, record.id, at(0), "worker-1", 5_000);
      const rescued = await h.backend.rescueExpired({ backend: alias, now: at(9), limit: 10, error: WORKER_LOST });
      const expected = { ...claimed, status: "READY", runAfter: null, leaseExpiresAt: null, errors: [WORKER_LOST] };
      expect(rescued).toEqual([expected]);
      expect(await h.mustGet(alias, record.id)).toEqual(expected);
      const [again] = await h.claim(alias, at(9), { workerId: "worker-2" });
      expect(again?.attempts).toBe(2);
    });

    h.test("a rescued task keeps its place in claim order, ahead of tasks enqueued after it", WORKERS, async () => {
      const alias = h.alias();
      const first = await h.enqueueOne(alias, { maxAttempts: 2 }, at(0));
      await h.claimId(alias, first.id, at(1), "worker-1", 1_000);
      for (let second = 2; second < 27; second++) await h.enqueueOne(alias, { maxAttempts: 1 }, at(second));
      expect(ids(await h.backend.rescueExpired({ backend: alias, now: at(30), limit: 10, error: WORKER_LOST }))).toEqual([first.id]);
      const [next] = await h.claim(alias, at(31), { workerId: "worker-2" });
      expect(next?.id).toBe(first.id);
      expect(next?.attempts).toBe(2);
      expect(next?.runAfter).toBeNull();
    });

    h.test("a retried task that is rescued keeps the runnable time its retry was given", WORKERS, async () => {
      const alias = h.alias();
      const retried = await h.enqueueOne(alias, { maxAttempts: 3 }, at(0));
      const first = await h.claimId(alias, retried.id, at(0), "worker-1", 5_000);
      const { applied } = await h.backend.complete({
        backend: alias,
        now: at(1),
        completions: [{ id: first.id, attempt: first.attempts, outcome: { status: "READY", error: errorRecord("boom"), runAfter: at(10) } }],
      });
      expect(applied).toEqual([first.id]);
      await h.claimId(alias, retried.id, at(10), "worker-1", 1_000);
      const later = await h.enqueueOne(alias, { maxAttempts: 1 }, at(12));
      expect(ids(await h.backend.rescueExpired({ backend: alias, now: at(20), limit: 10, error: WORKER_LOST }))).toEqual([retried.id]);
      expect((await h.mustGet(alias, retried.id)).runAfter).toEqual(at(10));
      expect(ids(await h.claim(alias, at(20), { limit: 2 }))).toEqual([retried.id, later.id]);
    });

    h.test("marks an expired task FAILED with the worker-lost error when no attempts remain", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 1 });
      const claimed = await h.claimId(alias, record.id, at(0), "worker-1", 5_000);
      const rescued = await h.backend.rescueExpired({ backend: alias, now: at(9), limit: 10, error: WORKER_LOST });
      const expected = { ...claimed, status: "FAILED", finishedAt: at(9), leaseExpiresAt: null, errors: [WORKER_LOST] };
      expect(rescued).toEqual([expected]);
      expect(await h.mustGet(alias, record.id)).toEqual(expected);
      expect(await h.claim(alias, at(10))).toEqual([]);
    });

    h.test("leaves unexpired leases alone (a lease expiring exactly now still holds)", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 2 });
      const claimed = await h.claimId(alias, record.id, at(0), "worker-1", 5_000);
      expect(await h.backend.rescueExpired({ backend: alias, now: at(3), limit: 10, error: WORKER_LOST })).toEqual([]);
      expect(await h.backend.rescueExpired({ backend: alias, now: at(5), limit: 10, error: WORKER_LOST })).toEqual([]);
      expect(await h.mustGet(alias, record.id)).toEqual(claimed);
    });

    h.test("rescues only its own alias and at most limit tasks per call", WORKERS, async () => {
      const alias = h.alias();
      const other = h.alias();
      for (let index = 0; index < 3; index++) await h.enqueueOne(alias, { maxAttempts: 2 });
      const foreign = await h.enqueueOne(other, { maxAttempts: 2 });
      await h.claim(alias, at(0), { limit: 3, leaseMs: 1_000 });
      await h.claimId(other, foreign.id, at(0), "worker-1", 1_000);
      expect(await h.backend.rescueExpired({ backend: alias, now: at(5), limit: 2, error: WORKER_LOST })).toHaveLength(2);
      expect(await h.backend.rescueExpired({ backend: alias, now: at(5), limit: 2, error: WORKER_LOST })).toHaveLength(1);
      expect(await h.backend.rescueExpired({ backend: alias, now: at(5), limit: 2, error: WORKER_LOST })).toEqual([]);
      expect((await h.mustGet(other, foreign.id)).status).toBe("RUNNING");
    });
  });
}
