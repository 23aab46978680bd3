import { describe, expect } from "vitest";
import type { TaskRecord } from "@tasks/core/backend";
import { at, ids, newTask, type Harness } from "../harness.js";
import { BROWSE, BROWSE_WORKERS, BrowseKit, idAt, sorted } from "./browse-kit.js";

/** listTasks: the two orders, limit and `next`, keyset paging while tasks are added and finish. */
export function browseListSuite(h: Harness): void {
  const kit = new BrowseKit(h);

  describe("listTasks order and paging", () => {
    h.test('"enqueued" lists every status in id order, desc newest first, as full records equal to get()', BROWSE_WORKERS, async () => {
      const alias = h.alias();
      const tasks = [
        await kit.taskIn(alias, "SUCCESSFUL", 1, 10),
        await kit.taskIn(alias, "READY", 2),
        await kit.taskIn(alias, "CANCELLED", 3, 4),
        await kit.taskIn(alias, "RUNNING", 4, 5),
        await kit.taskIn(alias, "FAILED", 5, 6),
      ];
      const asc = await kit.ops.listTasks({ backend: alias, filter: {}, order: "enqueued", direction: "asc", limit: 10 });
      expect(asc).toEqual({ tasks, next: null });
      const desc = await kit.ops.listTasks({ backend: alias, filter: {}, order: "enqueued", direction: "desc", limit: 10 });
      expect(desc).toEqual({ tasks: [...tasks].reverse(), next: null });
    });

    h.test('"enqueued" orders tasks enqueued in one call, at one instant, by id', BROWSE, async () => {
      const alias = h.alias();
      const many = await h.enqueue(alias, Array.from({ length: 6 }, () => newTask({ id: idAt(at(0)) }, at(0))), at(0));
      const expected = ids(many).sort();
      expect(await kit.listIds(alias, {}, "enqueued", "asc")).toEqual(expected);
      expect(await kit.listIds(alias, {}, "enqueued", "desc")).toEqual([...expected].reverse());
    });

    h.test('"finished" lists only finished tasks, by finishedAt then id', BROWSE_WORKERS, async () => {
      const alias = h.alias();
      const a = await kit.enqueueAt(alias, 1);
      await kit.enqueueAt(alias, 2); // stays READY
      const c = await kit.enqueueAt(alias, 3);
      const d = await kit.enqueueAt(alias, 4);
      const e = await kit.enqueueAt(alias, 5);
      // d finishes before a in real order but at the same instant: the tie goes to the id (a first).
      await kit.moveTo(alias, d, "FAILED", 20);
      await kit.moveTo(alias, a, "SUCCESSFUL", 20);
      await kit.moveTo(alias, c, "CANCELLED", 10);
      await kit.moveTo(alias, e, "RUNNING", 30);
      expect(await kit.listIds(alias, {}, "finished", "asc")).toEqual([c.id, a.id, d.id]);
      expect(await kit.listIds(alias, {}, "finished", "desc")).toEqual([d.id, a.id, c.id]);
      const page = await kit.ops.listTasks({ backend: alias, filter: {}, order: "finished", direction: "asc", limit: 10 });
      expect(page.tasks).toEqual([await h.mustGet(alias, c.id), await h.mustGet(alias, a.id), await h.mustGet(alias, d.id)]);
    });

    h.test("limit caps a page; next points after its last task and is null only on the last page", BROWSE, async () => {
      const alias = h.alias();
      const tasks: TaskRecord[] = [];
      for (let index = 0; index < 4; index++) tasks.push(await kit.taskIn(alias, "CANCELLED", index, 100 + index));
      const base = { backend: alias, filter: {}, direction: "asc" as const, limit: 2 };
      const first = await kit.ops.listTasks({ ...base, order: "enqueued" });
      expect(ids(first.tasks)).toEqual(ids(tasks.slice(0, 2)));
      expect(first.next).toEqual({ id: tasks[1]!.id, finishedAt: null });
      // The second page is full and last: nothing follows it, so its next is null.
      const second = await kit.ops.listTasks({ ...base, order: "enqueued", after: first.next });
      expect(second).toEqual({ tasks: tasks.slice(2), next: null });
      const three = await kit.ops.listTasks({ ...base, order: "enqueued", limit: 3 });
      expect(three.next).toEqual({ id: tasks[2]!.id, finishedAt: null });
      expect(await kit.ops.listTasks({ ...base, order: "enqueued", limit: 3, after: three.next })).toEqual({ tasks: tasks.slice(3), next: null });
      const finished = await kit.ops.listTasks({ ...base, order: "finished", direction: "desc" });
      expect(ids(finished.tasks)).toEqual([tasks[3]!.id, tasks[2]!.id]);
      expect(finished.next).toEqual({ id: tasks[2]!.id, finishedAt: at(102) });
      const rest = await kit.ops.listTasks({ ...base, order: "finished", direction: "desc", after: finished.next });
      expect(rest).toEqual({ tasks: [tasks[1], tasks[0]], next: null });
      expect(await kit.ops.listTasks({ ...base, order: "enqueued", filter: { statuses: ["READY"] } })).toEqual({ tasks: [], next: null });
    });

    h.test('paging "enqueued" lists each task once while tasks are enqueued and finish between pages', BROWSE, async () => {
      const alias = h.alias();
      const original: TaskRecord[] = [];
      for (let index = 0; index < 7; index++) original.push(await kit.enqueueAt(alias, index));
      const added: string[] = [];
      let cancelAt = 100;
      const changeTasks = async (pageIndex: number): Promise<void> => {
        added.push((await kit.enqueueAt(alias, 50 + pageIndex)).id);
        // Finish a task not listed yet in either direction's next page (the middle one first).
        const target = original[(3 + pageIndex) % original.length]!;
        if ((await h.mustGet(alias, target.id)).status === "READY") await kit.moveTo(alias, target, "CANCELLED", cancelAt++);
      };
      const desc = await kit.walk({ backend: alias, filter: {}, order: "enqueued", direction: "desc", limit: 2 }, changeTasks);
      expect(desc).toEqual(ids(original).reverse());
      const asc = await kit.walk({ backend: alias, filter: {}, order: "enqueued", direction: "asc", limit: 3 }, changeTasks);
      // Ascending, tasks enqueued while paging come after the cursor: they are listed once, at the end.
      expect(asc.slice(0, original.length)).toEqual(ids(original));
      expect(new Set(asc).size).toBe(asc.length);
      expect(sorted(asc.slice(original.length))).toEqual(sorted(added));
    });

    h.test('paging "finished" follows the (finishedAt, id) order across ties and tasks finishing between pages', BROWSE, async () => {
      const alias = h.alias();
      const tied: TaskRecord[] = [];
      for (let index = 0; index < 5; index++) tied.push(await kit.taskIn(alias, "CANCELLED", index, 10));
      const later = await kit.taskIn(alias, "CANCELLED", 5, 11);
      const waiting: TaskRecord[] = [];
      for (let index = 0; index < 8; index++) waiting.push(await kit.enqueueAt(alias, 20 + index));
      const finishedWhilePaging: string[] = [];
      const finishOne = async (): Promise<void> => {
        const task = waiting.shift();
        if (!task) return;
        await kit.moveTo(alias, task, "CANCELLED", 200 + finishedWhilePaging.length);
        finishedWhilePaging.push(task.id);
      };
      // Descending, a task finishing while paging sorts before the cursor: the walk never lists it.
      const desc = await kit.walk({ backend: alias, filter: {}, order: "finished", direction: "desc", limit: 2 }, finishOne);
      expect(desc).toEqual([later.id, ...ids(tied).reverse()]);
      expect(finishedWhilePaging).toHaveLength(2);
      // Ascending (one task a page, so every cursor sits inside the tie), it comes after: listed once, at the end.
      const asc = await kit.walk({ backend: alias, filter: {}, order: "finished", direction: "asc", limit: 1 }, finishOne);
      expect(asc).toEqual([...ids(tied), later.id, ...finishedWhilePaging]);
      expect(finishedWhilePaging).toHaveLength(8);
    });
  });
}
