import { describe, expect } from "vitest";
import type { TaskRecord } from "@tasks/core/backend";
import { at, type Harness } from "../harness.js";

const WORKERS = { supportsWorkers: true } as const;

/** prune: thresholds per status, queue filter, chunking, dry runs; never READY or RUNNING. */
export function pruneSuite(h: Harness): void {
  describe("prune", () => {
    async function cancelled(alias: string, seconds: number, queueName = "default"): Promise<TaskRecord> {
      const record = await h.enqueueOne(alias, { queueName });
      await h.backend.cancel({ backend: alias, now: at(seconds), id: record.id });
      return record;
    }

    async function finished(alias: string, outcome: "SUCCESSFUL" | "FAILED", seconds: number): Promise<TaskRecord> {
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(1));
      if (outcome === "SUCCESSFUL") await h.succeed(alias, claimed, at(seconds));
      else await h.fail(alias, claimed, at(seconds));
      return record;
    }

    async function exists(alias: string, record: TaskRecord): Promise<boolean> {
      return (await h.backend.get({ backend: alias, id: record.id })) !== null;
    }

    h.test("applies the failed threshold to FAILED rows and the other to SUCCESSFUL and CANCELLED", WORKERS, async () => {
      const alias = h.alias();
      const oldSuccess = await finished(alias, "SUCCESSFUL", 10);
      const oldCancel = await cancelled(alias, 10);
      const oldFailure = await finished(alias, "FAILED", 10);
      const newSuccess = await finished(alias, "SUCCESSFUL", 100);
      const newFailure = await finished(alias, "FAILED", 100);
      const newerFailure = await finished(alias, "FAILED", 300);
      const edgeSuccess = await finished(alias, "SUCCESSFUL", 50);
      const params = { backend: alias, finishedBefore: at(50), failedBefore: at(200), limit: 100 };
      expect(await h.backend.prune({ ...params, dryRun: true })).toBe(4);
      for (const record of [oldSuccess, oldCancel, oldFailure, newFailure]) expect(await exists(alias, record)).toBe(true);
      expect(await h.backend.prune({ ...params, dryRun: false })).toBe(4);
      for (const record of [oldSuccess, oldCancel, oldFailure, newFailure]) expect(await exists(alias, record)).toBe(false);
      for (const record of [newSuccess, newerFailure, edgeSuccess]) expect(await exists(alias, record)).toBe(true);
      expect(await h.backend.prune({ ...params, dryRun: false })).toBe(0);
    });

    h.test("never deletes READY or RUNNING rows, however old", WORKERS, async () => {
      const alias = h.alias();
      const ready = await h.enqueueOne(alias, {}, at(-1000));
      const running = await h.enqueueOne(alias, {}, at(-1000));
      await h.claimId(alias, running.id, at(-999));
      const retrying = await h.enqueueOne(alias, { maxAttempts: 2 }, at(-1000));
      const claimed = await h.claimId(alias, retrying.id, at(-999));
      await h.backend.complete({
        backend: alias,
        now: at(-998),
        completions: [{ id: retrying.id, attempt: claimed.attempts, outcome: { status: "READY", error: { className: "Error", message: "x", stack: "" }, runAfter: at(-997) } }],
      });
      const params = { backend: alias, finishedBefore: at(1e6), failedBefore: at(1e6), limit: 100 };
      expect(await h.backend.prune({ ...params, dryRun: true })).toBe(0);
      expect(await h.backend.prune({ ...params, dryRun: false })).toBe(0);
      for (const record of [ready, running, retrying]) expect(await exists(alias, record)).toBe(true);
    });

    h.test("deletes only the given queues when asked", {}, async () => {
      const alias = h.alias();
      const inA = await cancelled(alias, 1, "a");
      const inB = await cancelled(alias, 1, "b");
      const inC = await cancelled(alias, 1, "c");
      const params = { backend: alias, finishedBefore: at(10), failedBefore: at(10), limit: 100, queues: ["a", "c"] };
      expect(await h.backend.prune({ ...params, dryRun: false })).toBe(2);
      expect(await exists(alias, inA)).toBe(false);
      expect(await exists(alias, inB)).toBe(true);
      expect(await exists(alias, inC)).toBe(false);
    });

    h.test("deletes at most limit rows per call; a dry run counts them all and deletes none", {}, async () => {
      const alias = h.alias();
      const other = h.alias();
      for (let index = 0; index < 5; index++) await cancelled(alias, index);
      const foreign = await cancelled(other, 0);
      const params = { backend: alias, finishedBefore: at(100), failedBefore: at(100), limit: 2 };
      expect(await h.backend.prune({ ...params, dryRun: true })).toBe(5);
      expect(await h.backend.prune({ ...params, dryRun: true })).toBe(5);
      expect(await h.backend.prune({ ...params, dryRun: false })).toBe(2);
      expect(await h.backend.prune({ ...params, dryRun: false })).toBe(2);
      expect(await h.backend.prune({ ...params, dryRun: false })).toBe(1);
      expect(await h.backend.prune({ ...params, dryRun: false })).toBe(0);
      expect(await exists(other, foreign)).toBe(true);
    });
  });
}
