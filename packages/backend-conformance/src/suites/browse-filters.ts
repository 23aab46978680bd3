import { describe, expect } from "vitest";
import type { TaskFilter, TaskRecord } from "@tasks/core/backend";
import { at, ids, newTask, type Harness } from "../harness.js";
import { BROWSE, BROWSE_WORKERS, BrowseKit, type TestStatus } from "./browse-kit.js";

/** listTasks filters: statuses, queues, task names, ids, time ranges, and each combined. */
export function browseFilterSuite(h: Harness): void {
  const kit = new BrowseKit(h);

  describe("listTasks filters", () => {
    h.test("statuses selects READY and RUNNING as well as finished tasks, alone and together", BROWSE_WORKERS, async () => {
      const alias = h.alias();
      const statuses: TestStatus[] = ["READY", "RUNNING", "SUCCESSFUL", "FAILED", "CANCELLED"];
      const byStatus = new Map<TestStatus, TaskRecord>();
      for (const [index, status] of statuses.entries()) byStatus.set(status, await kit.taskIn(alias, status, index, 10 + index));
      const id = (status: TestStatus): string => byStatus.get(status)!.id;
      for (const status of statuses) expect(await kit.listIds(alias, { statuses: [status] })).toEqual([id(status)]);
      expect(await kit.listIds(alias, { statuses: ["READY", "FAILED"] })).toEqual([id("READY"), id("FAILED")]);
      expect(await kit.listIds(alias, { statuses: ["RUNNING", "SUCCESSFUL"] }, "enqueued", "desc")).toEqual([id("SUCCESSFUL"), id("RUNNING")]);
      expect(await kit.listIds(alias, { statuses: ["READY", "RUNNING"] }, "finished")).toEqual([]);
      expect(await kit.listIds(alias, { statuses: ["READY", "FAILED", "CANCELLED"] }, "finished")).toEqual([id("FAILED"), id("CANCELLED")]);
      expect(await kit.listIds(alias, {}, "finished")).toEqual([id("SUCCESSFUL"), id("FAILED"), id("CANCELLED")]);
    });

    h.test("queues, taskNames and ids select alone and combine with AND", BROWSE, async () => {
      const alias = h.alias();
      const aX = await kit.enqueueAt(alias, 1, { queueName: "a", taskName: "x" });
      const aY = await kit.enqueueAt(alias, 2, { queueName: "a", taskName: "y" });
      const bX = await kit.enqueueAt(alias, 3, { queueName: "b", taskName: "x" });
      const cZ = await kit.enqueueAt(alias, 4, { queueName: "c", taskName: "z" });
      expect(await kit.listIds(alias, { queues: ["a"] })).toEqual([aX.id, aY.id]);
      expect(await kit.listIds(alias, { queues: ["b", "c"] })).toEqual([bX.id, cZ.id]);
      expect(await kit.listIds(alias, { taskNames: ["x"] })).toEqual([aX.id, bX.id]);
      expect(await kit.listIds(alias, { taskNames: ["y", "z"] })).toEqual([aY.id, cZ.id]);
      expect(await kit.listIds(alias, { queues: ["a"], taskNames: ["x"] })).toEqual([aX.id]);
      expect(await kit.listIds(alias, { queues: ["a"], taskNames: ["z"] })).toEqual([]);
      const unknown = newTask().id;
      expect(await kit.listIds(alias, { ids: [cZ.id, aY.id, unknown] })).toEqual([aY.id, cZ.id]);
      expect(await kit.listIds(alias, { ids: [cZ.id, aY.id, aX.id], queues: ["a"] })).toEqual([aX.id, aY.id]);
      expect(await kit.listIds(alias, { ids: [cZ.id, aY.id, aX.id], queues: ["a"], taskNames: ["y"] })).toEqual([aY.id]);
      expect(await kit.listIds(alias, { ids: [unknown] })).toEqual([]);
      expect(await kit.listIds(alias, { queues: ["nowhere"] })).toEqual([]);
    });

    h.test('from (inclusive) and until (exclusive) select on enqueue time in "enqueued" lists', BROWSE, async () => {
      const alias = h.alias();
      const tasks: TaskRecord[] = [];
      for (const seconds of [10, 20, 30, 40]) tasks.push(await kit.enqueueAt(alias, seconds));
      const [t10, t20, t30, t40] = ids(tasks);
      expect(await kit.listIds(alias, { from: at(20), until: at(40) })).toEqual([t20, t30]);
      expect(await kit.listIds(alias, { from: at(20.001) })).toEqual([t30, t40]);
      expect(await kit.listIds(alias, { until: at(30) }, "enqueued", "desc")).toEqual([t20, t10]);
      expect(await kit.listIds(alias, { until: at(10) })).toEqual([]);
      expect(await kit.listIds(alias, { from: at(40), until: at(41) })).toEqual([t40]);
      expect(await kit.walk({ backend: alias, filter: { from: at(10), until: at(40) }, order: "enqueued", direction: "desc", limit: 1 })).toEqual([t30, t20, t10]);
    });

    h.test('from and until select on finish time, not enqueue time, in "finished" lists', BROWSE, async () => {
      const alias = h.alias();
      const early = await kit.taskIn(alias, "CANCELLED", 1, 50);
      const second = await kit.taskIn(alias, "CANCELLED", 2, 10);
      const third = await kit.taskIn(alias, "CANCELLED", 3, 30);
      const fourth = await kit.taskIn(alias, "CANCELLED", 40, 40);
      const ready = await kit.enqueueAt(alias, 35); // never in a "finished" list
      expect(await kit.listIds(alias, { from: at(30), until: at(50) }, "finished")).toEqual([third.id, fourth.id]);
      expect(await kit.listIds(alias, { from: at(30) }, "finished", "desc")).toEqual([early.id, fourth.id, third.id]);
      expect(await kit.listIds(alias, { until: at(30) }, "finished")).toEqual([second.id]);
      // In enqueue order the same range selects by enqueue time.
      expect(await kit.listIds(alias, { from: at(30), until: at(50) })).toEqual([ready.id, fourth.id]);
    });

    h.test("all filters combine, in both orders", BROWSE, async () => {
      const alias = h.alias();
      const match = await kit.taskIn(alias, "CANCELLED", 10, 20, { queueName: "mail", taskName: "mail.send", args: [{ to: "ada@example.com" }] });
      await kit.taskIn(alias, "CANCELLED", 11, 21, { queueName: "mail", taskName: "mail.send", args: [{ to: "bob@example.com" }] });
      await kit.taskIn(alias, "CANCELLED", 12, 22, { queueName: "other", taskName: "mail.send", args: [{ to: "ada@example.com" }] });
      await kit.taskIn(alias, "CANCELLED", 13, 23, { queueName: "mail", taskName: "mail.other", args: [{ to: "ada@example.com" }] });
      await kit.taskIn(alias, "CANCELLED", 2, 24, { queueName: "mail", taskName: "mail.send", args: [{ to: "ada@example.com" }] });
      await kit.enqueueAt(alias, 14, { queueName: "mail", taskName: "mail.send", args: [{ to: "ada@example.com" }] });
      const filter: TaskFilter = {
        statuses: ["CANCELLED", "FAILED"],
        queues: ["mail"],
        taskNames: ["mail.send"],
        from: at(5),
        until: at(60),
        argsValue: "ada@example.com",
      };
      expect(await kit.listIds(alias, filter)).toEqual([match.id]);
      expect(await kit.listIds(alias, { ...filter, from: at(15), until: at(21) }, "finished")).toEqual([match.id]);
      expect(await kit.listIds(alias, { ...filter, ids: [match.id] }, "finished", "desc")).toEqual([match.id]);
    });

    h.test("paging a filtered list walks only the matches, across READY and finished tasks, in every order", BROWSE, async () => {
      const alias = h.alias();
      const matches: TaskRecord[] = [];
      for (let index = 0; index < 12; index++) {
        const overrides = { queueName: index % 3 === 0 ? "other" : "mail", args: [{ to: index % 4 === 0 ? "bob" : "ada" }] };
        // Finish times run against enqueue order, so the two orders differ.
        const record = index % 2 === 0 ? await kit.enqueueAt(alias, index, overrides) : await kit.taskIn(alias, "CANCELLED", index, 100 - index, overrides);
        if (overrides.queueName === "mail" && overrides.args[0]!.to === "ada") matches.push(record);
      }
      const filter: TaskFilter = { queues: ["mail"], argsValue: "ada" };
      const enqueued = ids(matches);
      expect(enqueued).toHaveLength(6);
      expect(await kit.walk({ backend: alias, filter, order: "enqueued", direction: "asc", limit: 2 })).toEqual(enqueued);
      expect(await kit.walk({ backend: alias, filter, order: "enqueued", direction: "desc", limit: 4 })).toEqual([...enqueued].reverse());
      const finished = (await Promise.all(matches.map((record) => h.mustGet(alias, record.id))))
        .filter((record) => record.status === "CANCELLED")
        .sort((a, b) => a.finishedAt!.getTime() - b.finishedAt!.getTime());
      expect(finished).toHaveLength(4);
      expect(await kit.walk({ backend: alias, filter, order: "finished", direction: "asc", limit: 1 })).toEqual(ids(finished));
      expect(await kit.walk({ backend: alias, filter, order: "finished", direction: "desc", limit: 2 })).toEqual(ids(finished).reverse());
    });

    h.test("another alias's tasks are never listed, even by id", BROWSE, async () => {
      const alias = h.alias();
      const other = h.alias();
      const mine = await kit.taskIn(alias, "CANCELLED", 1, 2, { args: ["shared"] });
      const theirs = await kit.taskIn(other, "CANCELLED", 1, 2, { args: ["shared"] });
      await kit.enqueueAt(other, 3);
      expect(await kit.listIds(alias, {})).toEqual([mine.id]);
      expect(await kit.listIds(alias, {}, "finished")).toEqual([mine.id]);
      expect(await kit.listIds(alias, { ids: [theirs.id, mine.id] })).toEqual([mine.id]);
      expect(await kit.listIds(alias, { argsValue: "shared" }, "finished")).toEqual([mine.id]);
      expect(await kit.listIds(other, {})).toHaveLength(2);
    });
  });
}
