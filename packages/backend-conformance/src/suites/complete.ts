import { describe, expect } from "vitest";
import { at, errorRecord, type Harness } from "../harness.js";
import { TRICKY_JSON } from "./enqueue.js";

const WORKERS = { supportsWorkers: true } as const;

/** complete: outcomes, and the guard that ignores every completion of a lost claim. */
export function completeSuite(h: Harness): void {
  describe("complete", () => {
    h.test("SUCCESSFUL stores the return value exactly, finishes the task and clears the lease", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(1));
      expect(await h.succeed(alias, claimed, at(4), TRICKY_JSON)).toBe(true);
      expect(await h.mustGet(alias, record.id)).toEqual({
        ...claimed,
        status: "SUCCESSFUL",
        returnValue: TRICKY_JSON,
        finishedAt: at(4),
        leaseExpiresAt: null,
      });
    });

    h.test("a second completion of the same claim changes nothing and is not applied", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(1));
      expect(await h.succeed(alias, claimed, at(2), "first")).toBe(true);
      const after = await h.mustGet(alias, record.id);
      expect(await h.succeed(alias, claimed, at(3), "second")).toBe(false);
      expect(await h.fail(alias, claimed, at(3))).toBe(false);
      expect(await h.mustGet(alias, record.id)).toEqual(after);
    });

    h.test("a completion after the task was rescued changes nothing", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 2 });
      const claimed = await h.claimId(alias, record.id, at(0), "worker-1", 5_000);
      await h.backend.rescueExpired({ backend: alias, now: at(6), limit: 10, error: errorRecord("worker lost") });
      const rescued = await h.mustGet(alias, record.id);
      expect(rescued.status).toBe("READY");
      expect(await h.succeed(alias, claimed, at(7), "late")).toBe(false);
      expect(await h.mustGet(alias, record.id)).toEqual(rescued);
    });

    h.test("a completion after the task was cancelled changes nothing", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(0));
      await h.backend.cancel({ backend: alias, now: at(1), id: record.id });
      const cancelled = await h.mustGet(alias, record.id);
      expect(await h.succeed(alias, claimed, at(2), "late")).toBe(false);
      expect(await h.mustGet(alias, record.id)).toEqual(cancelled);
      expect(cancelled.status).toBe("CANCELLED");
    });

    h.test("a completion with a stale attempt number after a re-claim changes nothing", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 3 });
      const first = await h.claimId(alias, record.id, at(0), "worker-1", 5_000);
      await h.backend.rescueExpired({ backend: alias, now: at(6), limit: 10, error: errorRecord("worker lost") });
      const second = await h.claimId(alias, record.id, at(7), "worker-2", 5_000);
      expect(second.attempts).toBe(2);
      const { applied } = await h.backend.complete({
        backend: alias,
        now: at(8),
        completions: [
          { id: record.id, attempt: first.attempts, outcome: { status: "SUCCESSFUL", returnValue: "stale" } },
          { id: "00000000-0000-7000-8000-000000000000", attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: "unknown" } },
        ],
      });
      expect(applied).toEqual([]);
      expect(await h.mustGet(alias, record.id)).toEqual(second);
      expect(await h.succeed(alias, second, at(9), "fresh")).toBe(true);
      expect((await h.mustGet(alias, record.id)).returnValue).toBe("fresh");
    });

    h.test("a batch holding two attempts of one task applies only the current attempt's outcome, whatever the outcomes", WORKERS, async () => {
      const alias = h.alias();
      const outcomes = {
        success: (returnValue: string) => ({ status: "SUCCESSFUL" as const, returnValue }),
        failure: (message: string) => ({ status: "FAILED" as const, error: errorRecord(message) }),
        retry: (message: string) => ({ status: "READY" as const, runAfter: at(100), error: errorRecord(message) }),
      };
      // Stale attempt first and last, all successes and mixed outcomes: a worker that lost its
      // claim and took the task again can hand both attempts to one batch, in either order.
      const cases = [
        [outcomes.success("stale"), outcomes.success("fresh"), "SUCCESSFUL"],
        [outcomes.failure("stale"), outcomes.success("fresh"), "SUCCESSFUL"],
        [outcomes.success("stale"), outcomes.retry("fresh"), "READY"],
        [outcomes.retry("stale"), outcomes.failure("fresh"), "FAILED"],
      ] as const;
      for (const [index, [stale, fresh, status]] of cases.entries()) {
        const record = await h.enqueueOne(alias, { maxAttempts: 5 });
        const first = await h.claimId(alias, record.id, at(0), "worker-1", 5_000);
        await h.backend.rescueExpired({ backend: alias, now: at(6), limit: 10, error: errorRecord("worker lost") });
        const second = await h.claimId(alias, record.id, at(7), "worker-1", 5_000);
        const staleCompletion = { id: record.id, attempt: first.attempts, outcome: stale };
        const freshCompletion = { id: record.id, attempt: second.attempts, outcome: fresh };
        const completions = index % 2 === 0 ? [staleCompletion, freshCompletion] : [freshCompletion, staleCompletion];
        const { applied } = await h.backend.complete({ backend: alias, now: at(8), completions });
        expect(applied).toEqual([record.id]);
        const stored = await h.mustGet(alias, record.id);
        expect(stored.status).toBe(status);
        if (status === "SUCCESSFUL") expect(stored.returnValue).toBe("fresh");
        else expect(stored.errors.at(-1)?.message).toBe("fresh");
      }
    });

    h.test("completes a batch, applying only the completions whose claims still hold", WORKERS, async () => {
      const alias = h.alias();
      const one = await h.enqueueOne(alias, {}, at(0));
      const two = await h.enqueueOne(alias, {}, at(0));
      const claimedOne = await h.claimId(alias, one.id, at(1));
      const claimedTwo = await h.claimId(alias, two.id, at(1));
      await h.backend.cancel({ backend: alias, now: at(2), id: two.id });
      const { applied } = await h.backend.complete({
        backend: alias,
        now: at(3),
        completions: [
          { id: one.id, attempt: claimedOne.attempts, outcome: { status: "SUCCESSFUL", returnValue: 1 } },
          { id: two.id, attempt: claimedTwo.attempts, outcome: { status: "SUCCESSFUL", returnValue: 2 } },
        ],
      });
      expect(applied).toEqual([one.id]);
      expect((await h.mustGet(alias, one.id)).status).toBe("SUCCESSFUL");
      expect((await h.mustGet(alias, two.id)).status).toBe("CANCELLED");
    });

    h.test("a retry goes back to READY with runAfter and the error; the next claim is attempt 2", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 3 });
      const first = await h.claimId(alias, record.id, at(1), "worker-1");
      const error = errorRecord("try again", "TypeError");
      const { applied } = await h.backend.complete({
        backend: alias,
        now: at(2),
        completions: [{ id: record.id, attempt: 1, outcome: { status: "READY", error, runAfter: at(30) } }],
      });
      expect(applied).toEqual([record.id]);
      const retrying = await h.mustGet(alias, record.id);
      expect(retrying).toEqual({ ...first, status: "READY", runAfter: at(30), errors: [error], leaseExpiresAt: null, finishedAt: null });
      expect(await h.claim(alias, at(29))).toEqual([]);
      const [second] = await h.claim(alias, at(30), { workerId: "worker-2", leaseMs: 10_000 });
      expect(second?.id).toBe(record.id);
      expect(second?.attempts).toBe(2);
      expect(second?.workerIds).toEqual(["worker-1", "worker-2"]);
      expect(second?.startedAt).toEqual(at(1));
      expect(second?.lastAttemptedAt).toEqual(at(30));
      expect(second?.errors).toEqual([error]);
      // The whole claimed record is what was stored (backends may build parts of it locally).
      expect(second).toEqual(await h.mustGet(alias, record.id));
      expect(second).toEqual({ ...retrying, status: "RUNNING", runAfter: at(30), attempts: 2, workerIds: ["worker-1", "worker-2"], lastAttemptedAt: at(30), leaseExpiresAt: at(40) });
    });

    h.test("FAILED stores every error in order and finishes the task", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 2 });
      await h.claimId(alias, record.id, at(1));
      const firstError = errorRecord("first");
      await h.backend.complete({ backend: alias, now: at(2), completions: [{ id: record.id, attempt: 1, outcome: { status: "READY", error: firstError, runAfter: at(3) } }] });
      const second = await h.claimId(alias, record.id, at(3));
      expect(await h.fail(alias, second, at(4), "second")).toBe(true);
      const failed = await h.mustGet(alias, record.id);
      expect(failed.status).toBe("FAILED");
      expect(failed.finishedAt).toEqual(at(4));
      expect(failed.leaseExpiresAt).toBeNull();
      expect(failed.returnValue).toBeNull();
      expect(failed.errors).toEqual([firstError, errorRecord("second")]);
    });
  });
}
