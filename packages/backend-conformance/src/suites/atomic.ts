/**
 * completeAtomically: an atomic task's writes and its SUCCESSFUL mark commit together or not
 * at all (DESIGN.md §3). The task's writes here are the contract's own: a task enqueued
 * through the atomic transaction (`enqueue({ transaction })`), so every backend that declares
 * `supportsAtomic` and `supportsTransactionalEnqueue` runs the same tests. Dialect matters
 * (Drizzle transaction types, SQLite's synchronous rules, savepoints) stay in the backends'
 * own tests.
 */
import { afterEach, describe, expect } from "vitest";
import { configureTasks, resetTasksConfiguration, silentLogger, task, TestClock, unregisterTasks, Worker } from "@tasks/core";
import type { CompleteAtomicallyOutcome, JsonValue, TaskRecord } from "@tasks/core/backend";
import { at, errorRecord, newTask, type Harness } from "../harness.js";
import { TRICKY_JSON } from "./enqueue.js";

const ATOMIC = { supportsAtomic: true } as const;
/** Atomic tasks whose writes are tasks enqueued through their transaction. */
const ATOMIC_WRITES = { supportsAtomic: true, supportsTransactionalEnqueue: true } as const;

/** completeAtomically, the atomic task through a Worker, and its refusal by a backend without it. */
export function atomicSuite(h: Harness): void {
  describe("completeAtomically (atomic tasks)", () => {
    afterEach(() => {
      resetTasksConfiguration();
      unregisterTasks();
    });

    /** Runs `run` atomically for `claimed`, completing at `now`. */
    function atomically(alias: string, claimed: TaskRecord, run: (transaction: unknown) => Promise<JsonValue>, now: Date = at(3)): Promise<CompleteAtomicallyOutcome> {
      const completeAtomically = h.backend.completeAtomically;
      if (!completeAtomically) throw new Error(`backend ${h.backend.kind} declares supportsAtomic but has no completeAtomically`);
      return completeAtomically.call(h.backend, { backend: alias, id: claimed.id, attempt: claimed.attempts, now: () => now, run });
    }

    /** Enqueues a follow-up task through `transaction`: the atomic task's write. Returns its id. */
    async function writeThrough(alias: string, transaction: unknown): Promise<string> {
      const [outcome] = await h.backend.enqueue({ backend: alias, now: at(2), tasks: [newTask({ taskName: "conformance.follow-up" })], transaction });
      if (!outcome) throw new Error("enqueue through the atomic transaction returned no outcome");
      return outcome.record.id;
    }

    h.test("a backend that declares supportsAtomic implements completeAtomically", ATOMIC, async () => {
      expect(typeof h.backend.completeAtomically).toBe("function");
    });

    h.test("commits the task's writes with the SUCCESSFUL mark, storing the return value exactly and now() as finishedAt", ATOMIC_WRITES, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(1));
      let followUp = "";
      let runEnded = false;
      let nowCalledAfterRun: boolean | null = null;
      const completeAtomically = h.backend.completeAtomically!;
      const outcome = await completeAtomically.call(h.backend, {
        backend: alias,
        id: claimed.id,
        attempt: claimed.attempts,
        now: () => {
          nowCalledAfterRun ??= runEnded;
          return at(3);
        },
        run: async (transaction) => {
          expect(transaction, "run receives the transaction").toBeDefined();
          followUp = await writeThrough(alias, transaction);
          runEnded = true;
          return TRICKY_JSON;
        },
      });
      expect(outcome).toEqual({ applied: true, returnValue: TRICKY_JSON });
      expect(nowCalledAfterRun).toBe(true);
      expect(await h.mustGet(alias, record.id)).toEqual({ ...claimed, status: "SUCCESSFUL", returnValue: TRICKY_JSON, finishedAt: at(3), leaseExpiresAt: null });
      expect((await h.mustGet(alias, followUp)).status).toBe("READY");
    });

    h.test("until it commits, neither the task's writes nor its SUCCESSFUL mark are visible outside the transaction", ATOMIC_WRITES, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(1));
      let followUp = "";
      const outcome = await atomically(alias, claimed, async (transaction) => {
        followUp = await writeThrough(alias, transaction);
        // Read outside the transaction, as the worker's other storage calls do meanwhile.
        expect(await h.backend.get({ backend: alias, id: followUp })).toBeNull();
        expect((await h.mustGet(alias, record.id)).status).toBe("RUNNING");
        return null;
      });
      expect(outcome.applied).toBe(true);
      expect((await h.mustGet(alias, followUp)).status).toBe("READY");
    });

    h.test("a throw rolls back the task's writes, rethrows the task's error and leaves the claim for the failure to be recorded", ATOMIC_WRITES, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 2 });
      const claimed = await h.claimId(alias, record.id, at(1));
      const thrown = new RangeError("task failed after writing");
      let followUp = "";
      await expect(
        atomically(alias, claimed, async (transaction) => {
          followUp = await writeThrough(alias, transaction);
          throw thrown;
        }),
      ).rejects.toBe(thrown);
      expect(followUp).not.toBe("");
      expect(await h.backend.get({ backend: alias, id: followUp })).toBeNull();
      expect(await h.mustGet(alias, record.id)).toEqual(claimed);
      expect(await h.fail(alias, claimed, at(4), "task failed after writing")).toBe(true);
      expect((await h.mustGet(alias, record.id)).status).toBe("FAILED");
    });

    h.test("a claim cancelled before the commit is not marked SUCCESSFUL, and the task's writes roll back", ATOMIC_WRITES, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(1));
      await h.backend.cancel({ backend: alias, now: at(2), id: record.id });
      const cancelled = await h.mustGet(alias, record.id);
      let followUp: string | null = null;
      const outcome = await atomically(alias, claimed, async (transaction) => {
        followUp = await writeThrough(alias, transaction);
        return "late";
      });
      expect(outcome.applied).toBe(false);
      // Whether `run` ran at all for a claim lost before it started is the backend's choice.
      if (followUp !== null) expect(await h.backend.get({ backend: alias, id: followUp })).toBeNull();
      expect(await h.mustGet(alias, record.id)).toEqual(cancelled);
    });

    h.test("a stale attempt (the task was rescued and claimed again) is refused and its writes roll back", ATOMIC_WRITES, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias, { maxAttempts: 3 });
      const first = await h.claimId(alias, record.id, at(0), "worker-1", 5_000);
      await h.backend.rescueExpired({ backend: alias, now: at(6), limit: 10, error: errorRecord("worker lost") });
      const second = await h.claimId(alias, record.id, at(7), "worker-2", 5_000);
      let followUp: string | null = null;
      const outcome = await atomically(alias, first, async (transaction) => {
        followUp = await writeThrough(alias, transaction);
        return "stale";
      }, at(8));
      expect(outcome.applied).toBe(false);
      if (followUp !== null) expect(await h.backend.get({ backend: alias, id: followUp })).toBeNull();
      expect(await h.mustGet(alias, record.id)).toEqual(second);
      // The current claim still completes.
      expect(await h.succeed(alias, second, at(9), "current")).toBe(true);
    });

    h.test("a claim already completed is refused: the finished row stays as it was", ATOMIC, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(1));
      expect(await h.succeed(alias, claimed, at(2), "first")).toBe(true);
      const finished = await h.mustGet(alias, record.id);
      const outcome = await atomically(alias, claimed, async () => "second");
      expect(outcome.applied).toBe(false);
      expect(await h.mustGet(alias, record.id)).toEqual(finished);
    });

    h.test("a cancel racing the commit leaves one consistent outcome: SUCCESSFUL with the writes, or CANCELLED without them", ATOMIC_WRITES, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(1));
      let followUp = "";
      let inside!: () => void;
      const running = new Promise<void>((resolve) => (inside = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const atomic = atomically(alias, claimed, async (transaction) => {
        followUp = await writeThrough(alias, transaction);
        inside();
        await released;
        return "raced";
      });
      await running;
      // Issued from outside the task. A backend may make it wait for the commit (SQLite's write
      // lock) or let it win (Postgres); either way the outcome must be consistent.
      const cancel = h.backend.cancel({ backend: alias, now: at(2), id: record.id });
      await Promise.race([cancel, new Promise((resolve) => setTimeout(resolve, 20))]);
      release();
      const [outcome] = await Promise.all([atomic, cancel]);
      const after = await h.mustGet(alias, record.id);
      const written = await h.backend.get({ backend: alias, id: followUp });
      if (outcome.applied) {
        expect(after).toMatchObject({ status: "SUCCESSFUL", returnValue: "raced" });
        expect(written?.status).toBe("READY");
      } else {
        expect(after.status).toBe("CANCELLED");
        expect(written).toBeNull();
      }
    });

    h.test("a Worker runs an atomic task: the task's transaction reaches it, its enqueue through it commits with SUCCESSFUL, a throw rolls back and is recorded", { ...ATOMIC_WRITES, supportsWorkers: true }, async () => {
      const alias = h.alias();
      configureTasks({ backends: { default: { backend: h.backend, queues: [] }, [alias]: { backend: h.backend, queues: [] } }, clock: new TestClock(at(0)), logger: silentLogger });
      const followUp = task({ name: `${alias}.follow-up`, backend: alias, queueName: "follow-ups" }, (n: number) => n);
      const parent = task({ name: `${alias}.parent`, backend: alias, atomic: true, takesContext: true }, async (context, fail: boolean) => {
        const child = await followUp.using({ transaction: context.transaction }).enqueue(1);
        if (fail) throw new RangeError(`failed after enqueueing ${child.id}`);
        return child.id;
      });
      const ok = await parent.enqueue(false);
      const failing = await parent.enqueue(true);
      const summary = await new Worker({ backend: alias, queues: ["default"], batch: true }).run();
      expect(summary).toMatchObject({ claimed: 2, succeeded: 1, failed: 1 });
      await ok.refresh();
      expect(ok.status).toBe("SUCCESSFUL");
      expect((await followUp.getResult(ok.returnValue as string)).status).toBe("READY");
      await failing.refresh();
      expect(failing.status).toBe("FAILED");
      expect(failing.errors.map((error) => error.className)).toEqual(["RangeError"]);
      const rolledBack = /failed after enqueueing (\S+)$/.exec(failing.errors[0]!.message)?.[1];
      expect(rolledBack).toBeDefined();
      expect(await h.backend.get({ backend: alias, id: rolledBack! })).toBeNull();
      const health = await h.backend.health({ backend: alias, now: at(1), recentFailures: 0 });
      expect(health.queues["follow-ups"]).toMatchObject({ READY: 1 });
    });

    h.test("an atomic task is refused by a backend that cannot run atomic tasks", { supportsAtomic: false }, async () => {
      const alias = h.alias();
      configureTasks({ backends: { default: { backend: h.backend, queues: [] }, [alias]: { backend: h.backend, queues: [] } }, clock: new TestClock(at(0)), logger: silentLogger });
      expect(() => task({ name: `${alias}.atomic`, backend: alias, atomic: true }, () => null)).toThrow(
        new RegExp(`^Backend "${alias}" \\(${h.backend.kind}\\) cannot run atomic tasks, but task "${alias}\\.atomic" .*is marked atomic\\.$`),
      );
    });
  });
}
