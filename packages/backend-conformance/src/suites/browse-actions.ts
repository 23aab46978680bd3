import { describe, expect } from "vitest";
import type { TaskRecord } from "@tasks/core/backend";
import { at, ids, newTask, type Harness } from "../harness.js";
import { BROWSE, BROWSE_WORKERS, BrowseKit, sorted } from "./browse-kit.js";

/** retryTasks and deleteTasks: which tasks they touch, what a retried task looks like, and what they leave alone. */
export function browseActionSuite(h: Harness): void {
  const kit = new BrowseKit(h);
  const retry = (alias: string, taskIds: string[], seconds: number): Promise<TaskRecord[]> =>
    kit.ops.retryTasks({ backend: alias, now: at(seconds), ids: taskIds });

  describe("retryTasks", () => {
    h.test("a FAILED task becomes READY with the same id and history, runs again, and can then succeed", BROWSE_WORKERS, async () => {
      const alias = h.alias();
      const record = await kit.enqueueAt(alias, 0, { maxAttempts: 2, args: [{ order: 42 }] });
      await kit.retryLater(alias, await h.claimId(alias, record.id, at(1), "worker-1"), 2, 3);
      const second = await h.claimId(alias, record.id, at(3), "worker-2");
      await h.fail(alias, second, at(4), "second failure");
      const failed = await h.mustGet(alias, record.id);
      expect(failed).toMatchObject({ status: "FAILED", attempts: 2, maxAttempts: 2, finishedAt: at(4) });
      const [retried, ...others] = await retry(alias, [record.id], 10);
      expect(others).toEqual([]);
      expect(retried).toEqual({ ...failed, status: "READY", finishedAt: null, returnValue: null, runAfter: at(10), leaseExpiresAt: null, maxAttempts: 3 });
      expect(retried!.errors.map((error) => error.message)).toEqual(["try again", "second failure"]);
      expect(retried!.workerIds).toEqual(["worker-1", "worker-2"]);
      expect(await h.mustGet(alias, record.id)).toEqual(retried);
      expect(await kit.listIds(alias, { statuses: ["READY"] })).toEqual([record.id]);
      expect(await kit.listIds(alias, {}, "finished")).toEqual([]);
      const third = await h.claimId(alias, record.id, at(11), "worker-3");
      expect(third).toMatchObject({ attempts: 3, workerIds: ["worker-1", "worker-2", "worker-3"] });
      expect(await h.succeed(alias, third, at(12), "ok")).toBe(true);
      expect(await h.mustGet(alias, record.id)).toMatchObject({ status: "SUCCESSFUL", returnValue: "ok", finishedAt: at(12), attempts: 3, errors: failed.errors });
      expect(await kit.listIds(alias, { statuses: ["SUCCESSFUL"] }, "finished")).toEqual([record.id]);
    });

    h.test("a retried task is runnable from the retry: it queues behind tasks already waiting, and its READY age starts then", BROWSE_WORKERS, async () => {
      const alias = h.alias();
      const old = await kit.taskIn(alias, "FAILED", 0, 1);
      const waiting = await kit.enqueueAt(alias, 50);
      await retry(alias, [old.id], 100);
      const report = await h.backend.health({ backend: alias, now: at(110), recentFailures: 0 });
      expect(report.readyAgeByQueue).toEqual({ default: 60_000 });
      expect(ids(await h.claim(alias, at(111), { limit: 1 }))).toEqual([waiting.id]);
      expect(ids(await h.claim(alias, at(112), { limit: 1 }))).toEqual([old.id]);
    });

    h.test("maxAttempts is kept when attempts remain", BROWSE_WORKERS, async () => {
      const alias = h.alias();
      const record = await kit.enqueueAt(alias, 0, { maxAttempts: 5 });
      const failed = await kit.moveTo(alias, record, "FAILED", 1);
      expect(failed).toMatchObject({ attempts: 1, maxAttempts: 5 });
      expect(await retry(alias, [record.id], 2)).toEqual([{ ...failed, status: "READY", finishedAt: null, returnValue: null, runAfter: at(2) }]);
    });

    h.test("a CANCELLED task becomes READY: never run keeps its attempts, cancelled while RUNNING gets one more", BROWSE, async () => {
      const alias = h.alias();
      const neverRun = await kit.taskIn(alias, "CANCELLED", 0, 1, { runAfter: at(500) });
      expect(neverRun).toMatchObject({ attempts: 0, maxAttempts: 1 });
      let cancelledRunning: TaskRecord | null = null;
      if (h.capabilities.supportsWorkers) {
        const running = await kit.taskIn(alias, "RUNNING", 2, 3);
        cancelledRunning = await kit.moveTo(alias, running, "CANCELLED", 4);
      }
      const retried = await retry(alias, [neverRun.id, ...(cancelledRunning ? [cancelledRunning.id] : [])], 10);
      const expected: TaskRecord[] = [{ ...neverRun, status: "READY", finishedAt: null, runAfter: at(10) }];
      if (cancelledRunning) expected.push({ ...cancelledRunning, status: "READY", finishedAt: null, runAfter: at(10), maxAttempts: 2 });
      expect(sortById(retried)).toEqual(expected);
      if (h.capabilities.supportsWorkers) {
        // runAfter is the retry's time: runnable now, long before the at(500) it was deferred to.
        expect(ids(await h.claim(alias, at(11), { limit: 10 }))).toEqual(ids(expected));
      }
    });

    h.test("READY, RUNNING, SUCCESSFUL, unknown and other aliases' ids are ignored and left unchanged", BROWSE_WORKERS, async () => {
      const alias = h.alias();
      const other = h.alias();
      const untouched = [
        await kit.taskIn(alias, "READY", 0),
        await kit.taskIn(alias, "RUNNING", 1, 2),
        await kit.taskIn(alias, "SUCCESSFUL", 3, 4),
      ];
      const foreign = await kit.taskIn(other, "FAILED", 5, 6);
      const failed = await kit.taskIn(alias, "FAILED", 7, 8);
      const retried = await retry(alias, [...ids(untouched), foreign.id, newTask().id, failed.id], 10);
      expect(ids(retried)).toEqual([failed.id]);
      for (const record of untouched) expect(await h.mustGet(alias, record.id)).toEqual(record);
      expect(await h.mustGet(other, foreign.id)).toEqual(foreign);
      expect(await retry(alias, ids(untouched), 11)).toEqual([]);
    });

    h.test("a task whose uniqueKey an active task holds stays finished; of several sharing a key only the oldest is retried", BROWSE, async () => {
      const alias = h.alias();
      const older = await kit.taskIn(alias, "CANCELLED", 0, 1, { uniqueKey: "report:1" });
      const newer = await kit.taskIn(alias, "CANCELLED", 2, 3, { uniqueKey: "report:1" });
      const holder = await kit.enqueueAt(alias, 4, { uniqueKey: "report:1" });
      if (h.capabilities.supportsWorkers) await kit.moveTo(alias, holder, "RUNNING", 5);
      expect(await retry(alias, [older.id, newer.id], 6)).toEqual([]);
      for (const record of [older, newer]) expect(await h.mustGet(alias, record.id)).toEqual(record);
      await kit.moveTo(alias, holder, "CANCELLED", 7);
      const retried = await retry(alias, [newer.id, older.id], 8);
      expect(ids(retried)).toEqual([older.id]);
      expect(await h.mustGet(alias, newer.id)).toEqual(newer);
      // The retried task holds the key now: a new task with it finds it instead of being stored.
      const [again] = await h.backend.enqueue({ backend: alias, now: at(9), tasks: [newTask({ uniqueKey: "report:1" }, at(9))] });
      expect(again).toMatchObject({ created: false, record: { id: older.id, status: "READY" } });
    });
  });

  describe("deleteTasks", () => {
    h.test("deletes only the finished tasks among the ids and returns their ids", BROWSE_WORKERS, async () => {
      const alias = h.alias();
      const other = h.alias();
      const active = [await kit.taskIn(alias, "READY", 0), await kit.taskIn(alias, "RUNNING", 1, 2)];
      const finished = [
        await kit.taskIn(alias, "SUCCESSFUL", 3, 4),
        await kit.taskIn(alias, "FAILED", 5, 6),
        await kit.taskIn(alias, "CANCELLED", 7, 8),
      ];
      const keep = await kit.taskIn(alias, "CANCELLED", 9, 10);
      const foreign = await kit.taskIn(other, "CANCELLED", 9, 10);
      const deleted = await kit.ops.deleteTasks({ backend: alias, ids: [...ids(active), ...ids(finished), foreign.id, newTask().id] });
      expect(sorted(deleted)).toEqual(sorted(ids(finished)));
      for (const record of finished) expect(await h.backend.get({ backend: alias, id: record.id })).toBeNull();
      for (const record of active) expect(await h.mustGet(alias, record.id)).toEqual(record);
      expect(await h.mustGet(alias, keep.id)).toEqual(keep);
      expect(await h.mustGet(other, foreign.id)).toEqual(foreign);
      expect(await kit.listIds(alias, {})).toEqual([...ids(active), keep.id]);
      expect(await kit.ops.deleteTasks({ backend: alias, ids: ids(finished) })).toEqual([]);
    });

    h.test("a deleted task's uniqueKey is free, and deleted tasks are not counted", BROWSE, async () => {
      const alias = h.alias();
      const record = await kit.taskIn(alias, "CANCELLED", 0, 1, { uniqueKey: "k" });
      expect(await kit.ops.deleteTasks({ backend: alias, ids: [record.id] })).toEqual([record.id]);
      expect(await kit.ops.countFinished({ backend: alias, since: at(0), until: at(60), bucketMs: 60_000 })).toEqual([]);
      const [fresh] = await h.backend.enqueue({ backend: alias, now: at(2), tasks: [newTask({ uniqueKey: "k" }, at(2))] });
      expect(fresh?.created).toBe(true);
      expect(await retry(alias, [record.id], 3)).toEqual([]);
    });
  });

  describe("countFinished", () => {
    h.test("counts finished tasks per queue and status in buckets aligned at since, within [since, until), empty buckets absent", BROWSE_WORKERS, async () => {
      const alias = h.alias();
      const other = h.alias();
      await kit.taskIn(alias, "SUCCESSFUL", 0, 99.999); // before since
      await kit.taskIn(alias, "SUCCESSFUL", 1, 100); // first instant of the first bucket
      await kit.taskIn(alias, "SUCCESSFUL", 2, 159.999);
      await kit.taskIn(alias, "FAILED", 3, 140);
      await kit.taskIn(alias, "CANCELLED", 4, 160); // second bucket
      await kit.taskIn(alias, "FAILED", 5, 339.999); // last bucket, last millisecond
      await kit.taskIn(alias, "SUCCESSFUL", 6, 340); // until: excluded
      await kit.taskIn(alias, "READY", 7);
      await kit.taskIn(alias, "RUNNING", 8, 150);
      await kit.taskIn(other, "SUCCESSFUL", 9, 120);
      await kit.taskIn(alias, "SUCCESSFUL", 10, 130, { queueName: "emails" });
      await kit.taskIn(alias, "FAILED", 11, 131, { queueName: "emails" });
      const counts = await kit.ops.countFinished({ backend: alias, since: at(100), until: at(340), bucketMs: 60_000 });
      expect(sortCounts(counts)).toEqual([
        { bucketStart: at(100), queueName: "default", status: "FAILED", count: 1 },
        { bucketStart: at(100), queueName: "default", status: "SUCCESSFUL", count: 2 },
        { bucketStart: at(100), queueName: "emails", status: "FAILED", count: 1 },
        { bucketStart: at(100), queueName: "emails", status: "SUCCESSFUL", count: 1 },
        { bucketStart: at(160), queueName: "default", status: "CANCELLED", count: 1 },
        { bucketStart: at(280), queueName: "default", status: "FAILED", count: 1 },
      ]);
      const single = await kit.ops.countFinished({ backend: alias, since: at(0), until: at(1000), bucketMs: 1_000_000 });
      expect(sortCounts(single)).toEqual([
        { bucketStart: at(0), queueName: "default", status: "CANCELLED", count: 1 },
        { bucketStart: at(0), queueName: "default", status: "FAILED", count: 2 },
        { bucketStart: at(0), queueName: "default", status: "SUCCESSFUL", count: 4 },
        { bucketStart: at(0), queueName: "emails", status: "FAILED", count: 1 },
        { bucketStart: at(0), queueName: "emails", status: "SUCCESSFUL", count: 1 },
      ]);
      // A range that ends inside a bucket counts only what finished before until.
      const shifted = await kit.ops.countFinished({ backend: alias, since: at(130), until: at(165), bucketMs: 30_000 });
      expect(sortCounts(shifted)).toEqual([
        { bucketStart: at(130), queueName: "default", status: "FAILED", count: 1 },
        { bucketStart: at(130), queueName: "default", status: "SUCCESSFUL", count: 1 },
        { bucketStart: at(130), queueName: "emails", status: "FAILED", count: 1 },
        { bucketStart: at(130), queueName: "emails", status: "SUCCESSFUL", count: 1 },
        { bucketStart: at(160), queueName: "default", status: "CANCELLED", count: 1 },
      ]);
      expect(await kit.ops.countFinished({ backend: alias, since: at(400), until: at(500), bucketMs: 1000 })).toEqual([]);
    });
  });
}

function sortById(records: readonly TaskRecord[]): TaskRecord[] {
  return [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function sortCounts<T extends { bucketStart: Date; queueName: string; status: string }>(counts: readonly T[]): T[] {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...counts].sort((a, b) => a.bucketStart.getTime() - b.bucketStart.getTime() || text(a.queueName, b.queueName) || text(a.status, b.status));
}
