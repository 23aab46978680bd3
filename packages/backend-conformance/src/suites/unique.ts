import { describe, expect } from "vitest";
import { at, newTask, type Harness } from "../harness.js";

/** enqueue with uniqueKey: at most one READY or RUNNING holder per key and alias. */
export function uniqueSuite(h: Harness): void {
  describe("uniqueness", () => {
    h.test("a second enqueue while the first is READY returns the first, not created", {}, async () => {
      const alias = h.alias();
      const [first] = await h.backend.enqueue({ backend: alias, now: at(0), tasks: [newTask({ uniqueKey: "report:42" })] });
      const [second] = await h.backend.enqueue({ backend: alias, now: at(1), tasks: [newTask({ uniqueKey: "report:42", args: ["different"] })] });
      expect(first?.created).toBe(true);
      expect(second).toEqual({ record: first?.record, created: false });
    });

    h.test("a second enqueue while the first is RUNNING returns the running task", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const first = await h.enqueueOne(alias, { uniqueKey: "k" });
      const claimed = await h.claimId(alias, first.id, at(1));
      const [second] = await h.backend.enqueue({ backend: alias, now: at(2), tasks: [newTask({ uniqueKey: "k" })] });
      expect(second).toEqual({ record: claimed, created: false });
    });

    h.test("after the holder finishes, the same key creates a new task", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const first = await h.enqueueOne(alias, { uniqueKey: "k" });
      await h.succeed(alias, await h.claimId(alias, first.id, at(1)), at(2));
      const [second] = await h.backend.enqueue({ backend: alias, now: at(3), tasks: [newTask({ uniqueKey: "k" })] });
      expect(second?.created).toBe(true);
      expect(second?.record.id).not.toBe(first.id);
    });

    h.test("after the holder is cancelled, the same key creates a new task", {}, async () => {
      const alias = h.alias();
      const first = await h.enqueueOne(alias, { uniqueKey: "k" });
      await h.backend.cancel({ backend: alias, now: at(1), id: first.id });
      const [second] = await h.backend.enqueue({ backend: alias, now: at(2), tasks: [newTask({ uniqueKey: "k" })] });
      expect(second?.created).toBe(true);
      expect(second?.record.status).toBe("READY");
    });

    h.test("keys are per backend alias", {}, async () => {
      const alias = h.alias();
      const other = h.alias();
      await h.enqueueOne(alias, { uniqueKey: "k" });
      const [elsewhere] = await h.backend.enqueue({ backend: other, now: at(1), tasks: [newTask({ uniqueKey: "k" })] });
      expect(elsewhere?.created).toBe(true);
      expect(elsewhere?.record.backend).toBe(other);
    });

    h.test("two equal keys in one bulk call store one row; tasks without a key are never merged", {}, async () => {
      const alias = h.alias();
      const tasks = [newTask({ uniqueKey: "same" }), newTask({ uniqueKey: null, args: [1] }), newTask({ uniqueKey: "same" }), newTask({ uniqueKey: null, args: [1] })];
      const outcomes = await h.backend.enqueue({ backend: alias, now: at(0), tasks });
      expect(outcomes.map((outcome) => outcome.created)).toEqual([true, true, false, true]);
      expect(outcomes[2]?.record.id).toBe(tasks[0]?.id);
      expect(await h.backend.get({ backend: alias, id: tasks[2]!.id })).toBeNull();
      const health = await h.backend.health({ backend: alias, now: at(0), recentFailures: 0 });
      expect(health.queues["default"]?.READY).toBe(3);
    });
  });
}
