import { describe, expect } from "vitest";
import type { TaskRecord } from "@tasks/core/backend";
import { at, errorRecord, newTask, type Harness } from "../harness.js";

const WORKERS = { supportsWorkers: true } as const;

/** A trace context as an OpenTelemetry propagator writes it (W3C traceparent and tracestate). */
const TRACED = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "vendor=x" };
const OTHER = { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00" };

/** traceContext: stored with the task and returned unchanged by every read; null for untraced tasks. */
export function traceContextSuite(h: Harness): void {
  describe("trace context", () => {
    h.test("a traced task keeps its traceContext from enqueue through get, cancel of a READY task, and get after", {}, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { traceContext: TRACED });
      expect(record.traceContext).toEqual(TRACED);
      expect((await h.mustGet(alias, record.id)).traceContext).toEqual(TRACED);
      expect((await h.backend.cancel({ backend: alias, now: at(1), id: record.id }))?.traceContext).toEqual(TRACED);
      expect(await h.mustGet(alias, record.id)).toMatchObject({ status: "CANCELLED", traceContext: TRACED });
    });

    h.test("a traced task keeps its traceContext through claim, RUNNING, a retry to READY, a second claim and completion", WORKERS, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { traceContext: TRACED, maxAttempts: 3 });
      const claimed = await h.claimId(alias, record.id, at(1));
      expect(claimed.traceContext).toEqual(TRACED);
      expect(await h.mustGet(alias, record.id)).toMatchObject({ status: "RUNNING", traceContext: TRACED });
      const retry = { status: "READY" as const, error: errorRecord("again"), runAfter: at(2) };
      await h.backend.complete({ backend: alias, now: at(1), completions: [{ id: record.id, attempt: claimed.attempts, outcome: retry }] });
      expect(await h.mustGet(alias, record.id)).toMatchObject({ status: "READY", traceContext: TRACED });
      // The second claim sends back the history columns too (attempts > 1).
      const again = await h.claimId(alias, record.id, at(3));
      expect(again).toMatchObject({ attempts: 2, traceContext: TRACED });
      expect(await h.succeed(alias, again, at(4), "done")).toBe(true);
      expect(await h.mustGet(alias, record.id)).toMatchObject({ status: "SUCCESSFUL", returnValue: "done", traceContext: TRACED });
    });

    h.test("traced tasks keep their traceContext when they fail, are cancelled while RUNNING, or are rescued", WORKERS, async () => {
      const alias = h.alias();
      const [failing, cancelled, lost] = await h.enqueue(alias, [newTask({ traceContext: TRACED }), newTask({ traceContext: OTHER }), newTask({ traceContext: TRACED, maxAttempts: 2 })]);
      const claimed = new Map<string, TaskRecord>();
      for (const record of [failing!, cancelled!, lost!]) claimed.set(record.id, await h.claimId(alias, record.id, at(1), "worker-1", 1_000));
      expect(await h.fail(alias, claimed.get(failing!.id)!, at(1.5))).toBe(true);
      expect((await h.backend.cancel({ backend: alias, now: at(1.5), id: cancelled!.id }))?.traceContext).toEqual(OTHER);
      const rescued = await h.backend.rescueExpired({ backend: alias, now: at(5), limit: 10, error: errorRecord("worker lost", "WorkerLostError") });
      expect(rescued.map((record) => [record.id, record.status, record.traceContext])).toEqual([[lost!.id, "READY", TRACED]]);
      expect(await h.mustGet(alias, failing!.id)).toMatchObject({ status: "FAILED", traceContext: TRACED });
      expect(await h.mustGet(alias, cancelled!.id)).toMatchObject({ status: "CANCELLED", traceContext: OTHER });
      expect(await h.mustGet(alias, lost!.id)).toMatchObject({ status: "READY", traceContext: TRACED });
    });

    h.test("one enqueue of traced and untraced tasks of one task name stores each task's own traceContext", {}, async () => {
      const alias = h.alias();
      const tasks = [newTask({ taskName: "traced.batch" }), newTask({ taskName: "traced.batch", traceContext: TRACED }), newTask({ taskName: "traced.batch", traceContext: OTHER })];
      const records = await h.enqueue(alias, tasks);
      expect(records.map((record) => record.traceContext)).toEqual([null, TRACED, OTHER]);
      for (const [index, task] of tasks.entries()) expect((await h.mustGet(alias, task.id)).traceContext).toEqual([null, TRACED, OTHER][index]);
      if (!h.capabilities.supportsWorkers) return; // nothing claims on a store-only backend
      const claimed = await h.claim(alias, at(1), { limit: 3 });
      expect(new Map(claimed.map((record) => [record.id, record.traceContext]))).toEqual(new Map(tasks.map((task, index) => [task.id, [null, TRACED, OTHER][index]])));
    });

    h.test("an enqueue that finds the unique key held returns the holder with its own traceContext", {}, async () => {
      const alias = h.alias();
      const first = await h.enqueueOne(alias, { uniqueKey: "traced", traceContext: TRACED });
      const [second] = await h.backend.enqueue({ backend: alias, now: at(1), tasks: [newTask({ uniqueKey: "traced", traceContext: OTHER })] });
      expect(second).toMatchObject({ created: false, record: { id: first.id, traceContext: TRACED } });
    });

    h.test("an ordinary task has traceContext null from enqueue through claim and completion", {}, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      expect(record.traceContext).toBeNull();
      expect((await h.mustGet(alias, record.id)).traceContext).toBeNull();
      if (!h.capabilities.supportsWorkers) return; // nothing claims on a store-only backend
      const claimed = await h.claimId(alias, record.id, at(1));
      expect(claimed.traceContext).toBeNull();
      await h.succeed(alias, claimed, at(2));
      expect(await h.mustGet(alias, record.id)).toMatchObject({ status: "SUCCESSFUL", traceContext: null });
    });
  });
}
