import { describe, expect } from "vitest";
import type { EnqueueOccurrencesOutcome, ScheduleState, ScheduledOccurrence, TaskBackend, TaskRecord } from "@tasks/core/backend";
import { at, ids, newTask, type Harness } from "../harness.js";

const SCHEDULES = { supportsSchedules: true } as const;
const SCHEDULES_AND_WORKERS = { supportsSchedules: true, supportsWorkers: true } as const;
/** Concurrent callers in the race test, spread over the backend and up to two more instances. */
const RACERS = 6;
const EXTRA_INSTANCES = 2;

/** The schedule operations of `backend`, which must exist since it declares `supportsSchedules`. */
function ops(backend: TaskBackend): Required<Pick<TaskBackend, "registerSchedules" | "enqueueOccurrences" | "listSchedules">> {
  const { registerSchedules, enqueueOccurrences, listSchedules } = backend;
  if (!registerSchedules || !enqueueOccurrences || !listSchedules) {
    throw new Error(`backend ${backend.kind} declares supportsSchedules but lacks registerSchedules, enqueueOccurrences or listSchedules`);
  }
  return { registerSchedules: registerSchedules.bind(backend), enqueueOccurrences: enqueueOccurrences.bind(backend), listSchedules: listSchedules.bind(backend) };
}

/** One occurrence per offset (seconds from T0), each with a new task for it, as a worker would build them. */
function occurrences(seconds: readonly number[], taskName = "conformance.scheduled"): ScheduledOccurrence[] {
  return seconds.map((offset) => ({ at: at(offset), task: newTask({ taskName, args: [offset], scheduledFor: at(offset) }, at(offset)) }));
}

/** The state a schedule should have. */
function state(name: string, settledThrough: Date, lastEnqueuedFor: Date | null = null, lastTaskId: string | null = null): ScheduleState {
  return { name, settledThrough, lastEnqueuedFor, lastTaskId };
}

/** Schedule states per alias, and the tasks `enqueueOccurrences` stores: each occurrence exactly once. */
export function scheduleSuite(h: Harness): void {
  describe("schedules", () => {
    const enqueue = (alias: string, name: string, through: Date, list: ScheduledOccurrence[], now: Date = through): Promise<EnqueueOccurrencesOutcome> =>
      ops(h.backend).enqueueOccurrences({ backend: alias, now, name, through, occurrences: list });

    h.test("registerSchedules stores settledThrough = now for new names, keeps stored states, and answers in the order of names", SCHEDULES, async () => {
      const alias = h.alias();
      const { registerSchedules } = ops(h.backend);
      expect(await registerSchedules({ backend: alias, now: at(0), names: ["beta", "alpha"] })).toEqual([state("beta", at(0)), state("alpha", at(0))]);
      expect(await registerSchedules({ backend: alias, now: at(100), names: ["alpha", "gamma", "beta"] })).toEqual([
        state("alpha", at(0)),
        state("gamma", at(100)),
        state("beta", at(0)),
      ]);
      expect(await registerSchedules({ backend: alias, now: at(200), names: [] })).toEqual([]);
      const list = occurrences([50]);
      const moved = await enqueue(alias, "alpha", at(60), list);
      expect(moved.state).toEqual(state("alpha", at(60), at(50), list[0]!.task.id));
      expect(await registerSchedules({ backend: alias, now: at(300), names: ["alpha"] })).toEqual([moved.state]);
    });

    h.test("enqueueOccurrences stores only the occurrences after settledThrough, oldest first, with scheduledFor = at", SCHEDULES, async () => {
      const alias = h.alias();
      await ops(h.backend).registerSchedules({ backend: alias, now: at(100), names: ["every-minute"] });
      const list = occurrences([-20, 40, 100, 160, 220]);
      const { state: after, enqueued } = await enqueue(alias, "every-minute", at(250), list);
      const stored = list.slice(3);
      expect(ids(enqueued)).toEqual(ids(stored.map((occurrence) => occurrence.task)));
      for (const [index, record] of enqueued.entries()) {
        const { at: due, task } = stored[index]!;
        expect(record).toMatchObject({ ...task, backend: alias, status: "READY", enqueuedAt: at(250), attempts: 0, scheduledFor: due });
        expect(await h.mustGet(alias, record.id)).toEqual(record);
      }
      for (const skipped of list.slice(0, 3)) expect(await h.backend.get({ backend: alias, id: skipped.task.id })).toBeNull();
      expect(after).toEqual(state("every-minute", at(250), at(220), stored[1]!.task.id));
      expect(await ops(h.backend).listSchedules({ backend: alias })).toEqual([after]);
      const health = await h.backend.health({ backend: alias, now: at(250), recentFailures: 0 });
      expect(health.queues["default"]?.READY).toBe(2);
    });

    h.test("a second call with the same occurrences stores nothing and returns the same state", SCHEDULES, async () => {
      const alias = h.alias();
      await ops(h.backend).registerSchedules({ backend: alias, now: at(0), names: ["s"] });
      const first = await enqueue(alias, "s", at(120), occurrences([60, 120]));
      expect(first.enqueued).toHaveLength(2);
      // Another worker builds its own tasks (new ids) for the same occurrences.
      const again = occurrences([60, 120]);
      const second = await enqueue(alias, "s", at(120), again, at(130));
      expect(second).toEqual({ state: first.state, enqueued: [] });
      for (const occurrence of again) expect(await h.backend.get({ backend: alias, id: occurrence.task.id })).toBeNull();
      const health = await h.backend.health({ backend: alias, now: at(130), recentFailures: 0 });
      expect(health.queues["default"]?.READY).toBe(2);
    });

    h.test("settledThrough never moves back; a call storing nothing keeps lastEnqueuedFor and lastTaskId", SCHEDULES, async () => {
      const alias = h.alias();
      await ops(h.backend).registerSchedules({ backend: alias, now: at(0), names: ["s"] });
      const list = occurrences([60]);
      const first = await enqueue(alias, "s", at(90), list);
      const expected = state("s", at(90), at(60), list[0]!.task.id);
      expect(first.state).toEqual(expected);
      expect(await enqueue(alias, "s", at(30), [], at(95))).toEqual({ state: expected, enqueued: [] });
      expect(await enqueue(alias, "s", at(80), occurrences([80]), at(96))).toEqual({ state: expected, enqueued: [] });
      expect(await enqueue(alias, "s", at(500), [], at(500))).toEqual({ state: { ...expected, settledThrough: at(500) }, enqueued: [] });
      expect(await ops(h.backend).listSchedules({ backend: alias })).toEqual([{ ...expected, settledThrough: at(500) }]);
    });

    h.test("an unregistered name counts as settled through nothing: every occurrence is stored and the state created", SCHEDULES, async () => {
      const alias = h.alias();
      const list = occurrences([-86_400, 0, 10]);
      const { state: after, enqueued } = await enqueue(alias, "never-registered", at(10), list, at(12));
      expect(enqueued.map((record) => record.scheduledFor)).toEqual([at(-86_400), at(0), at(10)]);
      expect(ids(enqueued)).toEqual(ids(list.map((occurrence) => occurrence.task)));
      expect(after).toEqual(state("never-registered", at(10), at(10), list[2]!.task.id));
      expect(await ops(h.backend).listSchedules({ backend: alias })).toEqual([after]);
      expect(await ops(h.backend).registerSchedules({ backend: alias, now: at(20), names: ["never-registered"] })).toEqual([after]);
    });

    h.test(
      `${RACERS} concurrent calls with the same 10 occurrences store exactly 10 tasks, on a new and on a stored state`,
      SCHEDULES,
      async () => {
        const alias = h.alias();
        const instances: TaskBackend[] = [h.backend];
        const opened: TaskBackend[] = [];
        try {
          if (h.setup.openAnother) {
            for (let index = 0; index < EXTRA_INSTANCES; index++) opened.push(await h.setup.openAnother());
            instances.push(...opened);
          }
          const race = async (seconds: number[]): Promise<{ outcomes: EnqueueOccurrencesOutcome[]; stored: TaskRecord[] }> => {
            const through = at(seconds.at(-1)!);
            const outcomes = await Promise.all(
              Array.from({ length: RACERS }, (_, index) =>
                ops(instances[index % instances.length]!).enqueueOccurrences({ backend: alias, now: through, name: "raced", through, occurrences: occurrences(seconds) }),
              ),
            );
            return { outcomes, stored: outcomes.flatMap((outcome) => outcome.enqueued) };
          };
          for (const [round, seconds] of [Array.from({ length: 10 }, (_, index) => index + 1), Array.from({ length: 10 }, (_, index) => index + 11)].entries()) {
            const { outcomes, stored } = await race(seconds);
            expect(outcomes.reduce((sum, outcome) => sum + outcome.enqueued.length, 0)).toBe(10);
            expect(stored.map((record) => record.scheduledFor!.getTime()).sort((a, b) => a - b)).toEqual(seconds.map((offset) => at(offset).getTime()));
            const newest = stored.find((record) => record.scheduledFor!.getTime() === at(seconds.at(-1)!).getTime())!;
            const final = state("raced", at(seconds.at(-1)!), at(seconds.at(-1)!), newest.id);
            for (const outcome of outcomes) expect(outcome.state).toEqual(final);
            for (const record of stored) expect(await h.mustGet(alias, record.id)).toEqual(record);
            const health = await h.backend.health({ backend: alias, now: at(30), recentFailures: 0 });
            expect(health.queues["default"]).toMatchObject({ READY: 10 * (round + 1), RUNNING: 0 });
            expect(await ops(h.backend).listSchedules({ backend: alias })).toEqual([final]);
          }
        } finally {
          await Promise.all(opened.map((backend) => backend.close()));
        }
      },
      60_000,
    );

    h.test("stored occurrences are READY and claimable, and keep scheduledFor through claim, completion and cancel", SCHEDULES_AND_WORKERS, async () => {
      const alias = h.alias();
      const list = occurrences([10, 20, 30]);
      await enqueue(alias, "s", at(30), list);
      const claimed = await h.claim(alias, at(31), { limit: 3 });
      expect(ids(claimed).sort()).toEqual(ids(list.map((occurrence) => occurrence.task)).sort());
      const byId = new Map(claimed.map((record) => [record.id, record]));
      const [ok, failed, cancelled] = list.map((occurrence) => byId.get(occurrence.task.id)!);
      for (const [index, record] of [ok!, failed!, cancelled!].entries()) {
        expect(record).toMatchObject({ status: "RUNNING", attempts: 1, scheduledFor: list[index]!.at });
      }
      expect(await h.succeed(alias, ok!, at(32), "done")).toBe(true);
      expect(await h.fail(alias, failed!, at(32))).toBe(true);
      expect(await h.backend.cancel({ backend: alias, now: at(32), id: cancelled!.id })).toMatchObject({ status: "CANCELLED", scheduledFor: at(30) });
      expect(await h.mustGet(alias, ok!.id)).toMatchObject({ status: "SUCCESSFUL", returnValue: "done", scheduledFor: at(10) });
      expect(await h.mustGet(alias, failed!.id)).toMatchObject({ status: "FAILED", scheduledFor: at(20) });
      expect(await h.mustGet(alias, cancelled!.id)).toMatchObject({ status: "CANCELLED", scheduledFor: at(30) });
    });

    h.test("an ordinary enqueue stores scheduledFor null, and it stays null through claim and completion", {}, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      expect(record.scheduledFor).toBeNull();
      expect((await h.mustGet(alias, record.id)).scheduledFor).toBeNull();
      if (!h.capabilities.supportsWorkers) return; // nothing claims on a store-only backend
      const claimed = await h.claimId(alias, record.id, at(1));
      expect(claimed.scheduledFor).toBeNull();
      await h.succeed(alias, claimed, at(2));
      expect(await h.mustGet(alias, record.id)).toMatchObject({ status: "SUCCESSFUL", scheduledFor: null });
    });

    h.test("listSchedules returns every state of the alias sorted by name, and none of another alias", SCHEDULES, async () => {
      const alias = h.alias();
      const other = h.alias();
      const { registerSchedules, listSchedules } = ops(h.backend);
      expect(await listSchedules({ backend: alias })).toEqual([]);
      await registerSchedules({ backend: alias, now: at(0), names: ["gamma", "alpha"] });
      const list = occurrences([5]);
      const beta = await enqueue(alias, "beta", at(5), list);
      await registerSchedules({ backend: other, now: at(50), names: ["alpha", "delta"] });
      await enqueue(other, "alpha", at(70), occurrences([60]));
      expect(await listSchedules({ backend: alias })).toEqual([state("alpha", at(0)), beta.state, state("gamma", at(0))]);
      expect(beta.state).toEqual(state("beta", at(5), at(5), list[0]!.task.id));
      const elsewhere = await listSchedules({ backend: other });
      expect(elsewhere.map((entry) => entry.name)).toEqual(["alpha", "delta"]);
      expect(elsewhere[0]).toMatchObject({ settledThrough: at(70), lastEnqueuedFor: at(60) });
      expect(elsewhere[1]).toEqual(state("delta", at(50)));
    });
  });
}
