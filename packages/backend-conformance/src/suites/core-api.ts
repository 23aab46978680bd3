import { SpanKind } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect } from "vitest";
import {
  cancelTask,
  configureTasks,
  getTaskResult,
  pruneTasks,
  resetTasksConfiguration,
  task,
  taskEvents,
  taskHealth,
  TestClock,
  unregisterTasks,
  type TaskResult,
} from "@tasks/core";
import { openTelemetry } from "@tasks/core/otel";
import { at, type Harness } from "../harness.js";
import { installOtelGlobals } from "../otel-globals.js";

/** The same backend driven through the public API of @tasks/core. */
export function coreApiSuite(h: Harness): void {
  describe("through the @tasks/core API", () => {
    const cleanups: (() => void)[] = [];

    afterEach(() => {
      for (const cleanup of cleanups.splice(0)) cleanup();
      resetTasksConfiguration();
      unregisterTasks();
    });

    /** Configures the backend under a fresh alias (and as "default", which these tests never use). */
    function setUp(): { alias: string; clock: TestClock } {
      const alias = h.alias();
      const clock = new TestClock(at(0));
      configureTasks({ backends: { default: { backend: h.backend, queues: [] }, [alias]: { backend: h.backend, queues: [] } }, clock });
      return { alias, clock };
    }

    /** Collects `taskEnqueued` events of tasks in `alias` until the test ends. */
    function enqueuedEvents(alias: string): TaskResult[] {
      const seen: TaskResult[] = [];
      cleanups.push(taskEvents.on("taskEnqueued", ({ result }) => void (result.backend === alias && seen.push(result))));
      return seen;
    }

    h.test("enqueues a task and reads it back with getResult and getTaskResult", {}, async () => {
      const { alias } = setUp();
      const add = task({ name: `${alias}.add`, backend: alias, queueName: "math" }, (a: number, b: number) => a + b);
      const result = await add.enqueue(2, 3);
      const read = await add.getResult(result.id);
      expect(read.id).toBe(result.id);
      expect(read.args).toEqual([2, 3]);
      expect(read.taskName).toBe(`${alias}.add`);
      expect(read.backend).toBe(alias);
      expect(read.queueName).toBe("math");
      expect(read.enqueuedAt).toEqual(at(0));
      if (h.capabilities.runsOnEnqueue) {
        expect(read.status).toBe("SUCCESSFUL");
        expect(read.returnValue).toBe(5);
      } else {
        expect(read.status).toBe("READY");
        expect(() => read.returnValue).toThrow(/has not finished yet/);
      }
      expect((await getTaskResult(result.id, alias)).toRecord()).toEqual(read.toRecord());
    });

    h.test("enqueueMany stores every task with one call", {}, async () => {
      const { alias } = setUp();
      const echo = task({ name: `${alias}.echo`, backend: alias }, (value: string) => value);
      const results = await echo.enqueueMany([["a"], ["b"], ["c"]]);
      expect(results.map((result) => result.args)).toEqual([["a"], ["b"], ["c"]]);
      expect(new Set(results.map((result) => result.id)).size).toBe(3);
      for (const result of results) expect((await echo.getResult(result.id)).args).toEqual(result.args);
    });

    h.test("using({ runAfter }) is refused by a backend that cannot defer", { supportsDefer: false }, async () => {
      const { alias } = setUp();
      const later = task({ name: `${alias}.later`, backend: alias }, () => null);
      expect(() => later.using({ runAfter: at(60) })).toThrow(`Backend "${alias}" (${h.backend.kind}) does not support runAfter (deferred tasks)`);
    });

    h.test("using({ runAfter }) stores a deferred task", { supportsDefer: true }, async () => {
      const { alias } = setUp();
      const later = task({ name: `${alias}.later`, backend: alias }, () => null);
      const result = await later.using({ runAfter: at(60) }).enqueue();
      expect((await later.getResult(result.id)).runAfter).toEqual(at(60));
    });

    h.test("using({ unique: true }) returns the active task; taskEnqueued fires once per created task", { runsOnEnqueue: false }, async () => {
      const { alias } = setUp();
      const events = enqueuedEvents(alias);
      const report = task({ name: `${alias}.report`, backend: alias }, (id: number) => id);
      const plain = await report.enqueue(1);
      const first = await report.using({ unique: true }).enqueue(1);
      const second = await report.using({ unique: true }).enqueue(1);
      const keyed = await report.using({ unique: { key: "nightly" } }).enqueue(2);
      const keyedAgain = await report.using({ unique: { key: "nightly" } }).enqueue(3);
      expect(first.id).not.toBe(plain.id);
      expect(second.id).toBe(first.id);
      expect(keyedAgain.id).toBe(keyed.id);
      expect(keyedAgain.args).toEqual([2]);
      expect(events.map((event) => event.id)).toEqual([plain.id, first.id, keyed.id]);
    });

    h.test("taskEnqueued fires once per task of enqueueMany", {}, async () => {
      const { alias } = setUp();
      const events = enqueuedEvents(alias);
      const echo = task({ name: `${alias}.echo`, backend: alias }, (value: number) => value);
      const results = await echo.enqueueMany([[1], [2], [3]]);
      expect(events.map((event) => event.id)).toEqual(results.map((result) => result.id));
    });

    h.test("deschedule cancels the READY tasks with equal arguments", { runsOnEnqueue: false }, async () => {
      const { alias } = setUp();
      const mail = task({ name: `${alias}.mail`, backend: alias }, (to: { address: string; cc: string[] }) => to.address);
      const one = await mail.enqueue({ address: "ada@example.com", cc: [] });
      const two = await mail.enqueue({ cc: [], address: "ada@example.com" });
      const other = await mail.enqueue({ address: "bob@example.com", cc: [] });
      expect(await mail.deschedule({ address: "ada@example.com", cc: [] })).toBe(2);
      expect((await mail.getResult(one.id)).status).toBe("CANCELLED");
      expect((await mail.getResult(two.id)).status).toBe("CANCELLED");
      expect((await mail.getResult(other.id)).status).toBe("READY");
    });

    h.test("cancelTask, taskHealth and pruneTasks act on the configured alias", { runsOnEnqueue: false }, async () => {
      const { alias, clock } = setUp();
      const job = task({ name: `${alias}.job`, backend: alias, queueName: "jobs" }, () => null);
      const doomed = await job.enqueue();
      await job.enqueue();
      const cancelled = await cancelTask(doomed.id, alias);
      expect(cancelled.status).toBe("CANCELLED");
      expect(cancelled.finishedAt).toEqual(at(0));
      const health = await taskHealth({ backend: alias });
      expect(health.queues).toEqual({ jobs: { READY: 1, RUNNING: 0, SUCCESSFUL: 0, FAILED: 0, CANCELLED: 1 } });
      await clock.advance(60_000);
      expect(await pruneTasks({ backend: alias, keepMs: 120_000 })).toBe(0);
      expect(await pruneTasks({ backend: alias, keepMs: 30_000, dryRun: true })).toBe(1);
      expect(await pruneTasks({ backend: alias, keepMs: 30_000 })).toBe(1);
      await expect(getTaskResult(doomed.id, alias)).rejects.toThrow(/No task result/);
    });

    h.test("an immediate backend runs each attempt under a consumer span linked to the enqueue's producer span", { runsOnEnqueue: true }, async () => {
      const spans = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
      cleanups.push(installOtelGlobals());
      const alias = h.alias();
      configureTasks({
        backends: { default: { backend: h.backend, queues: [] }, [alias]: { backend: h.backend, queues: [], maxAttempts: 2 } },
        clock: new TestClock(at(0)),
        telemetry: openTelemetry({ tracerProvider }),
      });
      let runs = 0;
      const flaky = task({ name: `${alias}.flaky`, backend: alias }, () => {
        if (++runs === 1) throw new RangeError("first run fails");
        return "ok";
      });
      const result = await flaky.enqueue();
      expect(result.status).toBe("SUCCESSFUL");
      const finished = spans.getFinishedSpans();
      const send = finished.filter((span) => span.name === "send default");
      const processes = finished.filter((span) => span.name === "process default");
      expect(send).toHaveLength(1);
      expect(processes.map((span) => span.attributes["tasks.outcome"])).toEqual(["retry", "success"]);
      for (const processed of processes) {
        expect(processed.kind).toBe(SpanKind.CONSUMER);
        expect(processed.attributes).toMatchObject({ "messaging.message.id": result.id, "messaging.client.id": "immediate", "tasks.backend": alias });
        expect(processed.links.map((link) => link.context.spanId)).toEqual([send[0]!.spanContext().spanId]);
      }
      expect(processes[0]!.attributes["error.type"]).toBe("RangeError");
    });
  });
}
