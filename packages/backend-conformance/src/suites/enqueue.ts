import { describe, expect } from "vitest";
import type { JsonValue } from "@tasks/core/backend";
import { at, ids, newTask, type Harness } from "../harness.js";

/** A value that exercises every JSON shape a backend must round-trip exactly. */
export const TRICKY_JSON: JsonValue = {
  nested: { deeper: { deepest: [1, [2, [3, { four: 4 }]]] } },
  unicode: "héllo wörld — 日本語 — emoji 🎉👩‍👩‍👧 — \"quotes\" \\ backslash \n newline \t tab",
  "key with spaces & symbols/é": "value",
  numbers: [0, -1, 1.5, -273.15, 0.1, 1e-7, 2 ** 53 - 1, -(2 ** 53 - 1), 1.7976931348623157e308, 5e-324, 123456789.123456],
  emptyArray: [],
  emptyObject: {},
  nothing: null,
  flags: [true, false],
  emptyString: "",
};

/** enqueue/get: round trip, defaults, JSON fidelity, copies, bulk, partitioning by alias. */
export function enqueueSuite(h: Harness): void {
  describe("enqueue and get", () => {
    h.test("stores a READY task with every field and the documented defaults", {}, async () => {
      const alias = h.alias();
      const input = newTask({ taskName: "emails.send", queueName: "mail", priority: 7, args: ["ada@example.com", 3], maxAttempts: 4 });
      const [created] = await h.enqueue(alias, [input], at(5));
      const stored = await h.mustGet(alias, input.id);
      expect(stored).toEqual(created);
      expect(stored).toEqual({
        ...input,
        backend: alias,
        status: "READY",
        enqueuedAt: at(5),
        startedAt: null,
        finishedAt: null,
        lastAttemptedAt: null,
        attempts: 0,
        workerIds: [],
        errors: [],
        returnValue: null,
        leaseExpiresAt: null,
      });
      expect(stored.runAfter).toBeNull();
    });

    h.test("stores runAfter for a deferred task", { supportsDefer: true }, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { runAfter: at(60) });
      expect((await h.mustGet(alias, record.id)).runAfter).toEqual(at(60));
    });

    h.test("round-trips arguments exactly: nesting, unicode, extreme numbers, empty containers, null", {}, async () => {
      const alias = h.alias();
      const args: JsonValue[] = [TRICKY_JSON, [], {}, null, -0.5, "", [[[]]]];
      const record = await h.enqueueOne(alias, { args });
      expect(record.args).toEqual(args);
      expect((await h.mustGet(alias, record.id)).args).toEqual(args);
    });

    h.test("returns copies: changing a returned record never changes what is stored", {}, async () => {
      const alias = h.alias();
      const created = await h.enqueueOne(alias, { args: [{ list: [1, 2] }] });
      (created.args[0] as { list: number[] }).list.push(3);
      created.workerIds.push("intruder");
      const read = await h.mustGet(alias, created.id);
      expect(read.args).toEqual([{ list: [1, 2] }]);
      expect(read.workerIds).toEqual([]);
      (read.args[0] as { list: number[] }).list.length = 0;
      read.errors.push({ className: "X", message: "y", stack: "" });
      const again = await h.mustGet(alias, created.id);
      expect(again.args).toEqual([{ list: [1, 2] }]);
      expect(again.errors).toEqual([]);
    });

    h.test("stores 5,000 tasks in one call (past driver parameter limits), returning outcomes in input order", {}, async () => {
      const alias = h.alias();
      const tasks = Array.from({ length: 5000 }, (_, index) => newTask({ args: [index] }));
      const outcomes = await h.backend.enqueue({ backend: alias, now: at(0), tasks });
      expect(outcomes).toHaveLength(5000);
      expect(outcomes.every((outcome) => outcome.created)).toBe(true);
      expect(ids(outcomes.map((outcome) => outcome.record))).toEqual(ids(tasks));
      expect(outcomes[999]?.record.args).toEqual([999]);
      const health = await h.backend.health({ backend: alias, now: at(0), recentFailures: 0 });
      expect(health.queues["default"]?.READY).toBe(5000);
      expect((await h.mustGet(alias, tasks[500]!.id)).args).toEqual([500]);
    });

    h.test("stores each task of a batch with its own name, queue, priority, attempts and runAfter", { supportsDefer: true, supportsPriority: true }, async () => {
      const alias = h.alias();
      // Batches alike in everything but id and arguments may be stored by a faster path: both kinds must agree.
      const alike = [newTask({ args: [1], runAfter: at(30), maxAttempts: 2 }), newTask({ args: [2], runAfter: at(30), maxAttempts: 2 })];
      const mixed = [
        newTask({ taskName: "a", queueName: "one", priority: 3, maxAttempts: 1, runAfter: null, args: ["x"] }),
        newTask({ taskName: "b", queueName: "two", priority: -4, maxAttempts: 5, runAfter: at(90), args: [{ y: true }] }),
        newTask({ taskName: "a", queueName: "one", priority: 3, maxAttempts: 1, runAfter: at(10), args: [] }),
      ];
      for (const batch of [alike, mixed]) {
        const outcomes = await h.backend.enqueue({ backend: alias, now: at(0), tasks: batch });
        for (const [index, input] of batch.entries()) {
          const stored = await h.mustGet(alias, input.id);
          expect(stored).toEqual(outcomes[index]?.record);
          expect(stored).toMatchObject({
            taskName: input.taskName,
            queueName: input.queueName,
            priority: input.priority,
            maxAttempts: input.maxAttempts,
            runAfter: input.runAfter,
            args: input.args,
            identityHash: input.identityHash,
            enqueuedAt: at(0),
          });
        }
      }
    });

    h.test("returns null for an unknown id and for an id stored under another alias", {}, async () => {
      const alias = h.alias();
      const other = h.alias();
      const record = await h.enqueueOne(alias);
      expect(await h.backend.get({ backend: alias, id: newTask().id })).toBeNull();
      expect(await h.backend.get({ backend: other, id: record.id })).toBeNull();
    });
  });
}
