import { describe, expect, it } from "vitest";
import { identityHash, newTaskId, type EnqueueOccurrencesParams, type NewTaskRecord, type ScheduledOccurrence } from "@tasks/core/backend";
import { dummyBackend, immediateBackend, memoryBackend } from "../src/index.js";

const alias = "default";
const T0 = Date.UTC(2030, 0, 1);

function at(seconds: number): Date {
  return new Date(T0 + seconds * 1000);
}

function occurrence(seconds: number, overrides: Partial<NewTaskRecord> = {}): ScheduledOccurrence {
  const task: NewTaskRecord = {
    id: newTaskId(at(seconds).getTime()),
    taskName: "reports.daily",
    queueName: "reports",
    priority: 0,
    args: [seconds],
    runAfter: null,
    maxAttempts: 1,
    identityHash: identityHash("reports.daily", [seconds]),
    uniqueKey: null,
    scheduledFor: at(seconds),
    traceContext: null,
    ...overrides,
  };
  return { at: at(seconds), task };
}

function params(occurrences: ScheduledOccurrence[], through: Date = at(100)): EnqueueOccurrencesParams {
  return { backend: alias, now: through, name: "daily", through, occurrences };
}

describe("memory backend schedules", () => {
  it("refuses malformed enqueueOccurrences input with a sentence naming the field, and changes nothing", async () => {
    const backend = memoryBackend();
    await backend.registerSchedules({ backend: alias, now: at(0), names: ["daily"] });
    const cases: [EnqueueOccurrencesParams, string][] = [
      [params([occurrence(20), occurrence(10)]), "enqueueOccurrences(): occurrences[1].at (2030-01-01T00:00:10.000Z) is not after the occurrence before it (2030-01-01T00:00:20.000Z); occurrences must be distinct and oldest first."],
      [params([occurrence(10), occurrence(10)]), "occurrences[1].at (2030-01-01T00:00:10.000Z) is not after the occurrence before it"],
      [params([occurrence(10), occurrence(200)]), 'occurrences[1].at (2030-01-01T00:03:20.000Z) is after "through" (2030-01-01T00:01:40.000Z); only occurrences up to "through" may be enqueued'],
      [params([occurrence(10, { scheduledFor: at(11) })]), "enqueueOccurrences(): occurrences[0].task.scheduledFor must be the occurrence's time 2030-01-01T00:00:10.000Z (got Date(2030-01-01T00:00:11.000Z))."],
      [params([occurrence(10, { scheduledFor: null })]), "occurrences[0].task.scheduledFor must be the occurrence's time 2030-01-01T00:00:10.000Z (got null)."],
      [params([occurrence(10, { uniqueKey: "daily" })]), 'enqueueOccurrences(): occurrences[0].task has uniqueKey "daily"; tasks of a schedule are stored without one'],
      [{ ...params([]), through: new Date(Number.NaN) }, 'enqueueOccurrences(): "through" must be a valid Date (got an invalid Date).'],
      [{ ...params([]), name: "" }, 'enqueueOccurrences(): "name" must be a schedule name, a non-empty string (got "").'],
      [{ ...params([]), now: "2030-01-01" as unknown as Date }, 'enqueueOccurrences(): "now" must be a valid Date (got "2030-01-01").'],
      [{ ...params([]), occurrences: null as unknown as ScheduledOccurrence[] }, 'enqueueOccurrences(): "occurrences" must be an array of { at, task } (got null).'],
      [params([{ at: at(10) } as ScheduledOccurrence]), "enqueueOccurrences(): occurrences[0].task must be the task record to store for the occurrence (got undefined)."],
      [{ ...params([]), occurrences: [7 as unknown as ScheduledOccurrence] }, "enqueueOccurrences(): occurrences[0] must be an object { at, task } (got number 7)."],
    ];
    for (const [input, message] of cases) {
      await expect(backend.enqueueOccurrences(input), message).rejects.toThrow(message);
    }
    expect(await backend.listSchedules({ backend: alias })).toEqual([{ name: "daily", settledThrough: at(0), lastEnqueuedFor: null, lastTaskId: null }]);
    expect(backend.results).toEqual([]);
  });

  it("refuses malformed registerSchedules input", async () => {
    const backend = memoryBackend();
    await expect(backend.registerSchedules({ backend: alias, now: at(0), names: "daily" as unknown as string[] })).rejects.toThrow(
      'registerSchedules(): "names" must be an array of schedule names (got "daily").',
    );
    await expect(backend.registerSchedules({ backend: alias, now: at(0), names: ["ok", 7 as unknown as string] })).rejects.toThrow(
      'registerSchedules(): "names[1]" must be a schedule name, a non-empty string (got number 7).',
    );
    await expect(backend.registerSchedules({ backend: alias, now: undefined as unknown as Date, names: ["ok"] })).rejects.toThrow(
      'registerSchedules(): "now" must be a valid Date (got undefined).',
    );
    expect(await backend.listSchedules({ backend: alias })).toEqual([]);
  });

  it("stores nothing and keeps the state when one task of the call is refused (a duplicate id)", async () => {
    const backend = memoryBackend();
    const stored = occurrence(10);
    await backend.enqueueOccurrences(params([stored], at(10)));
    const before = await backend.listSchedules({ backend: alias });
    const duplicate = occurrence(30, { id: stored.task.id });
    await expect(backend.enqueueOccurrences(params([occurrence(20), duplicate], at(40)))).rejects.toThrow(/is already stored/);
    expect(await backend.listSchedules({ backend: alias })).toEqual(before);
    expect(backend.results.map((result) => result.id)).toEqual([stored.task.id]);
  });

  it("keeps copies: changing the caller's dates or a returned state changes nothing stored", async () => {
    const backend = memoryBackend();
    const input = params([occurrence(10)], at(10));
    const outcome = await backend.enqueueOccurrences(input);
    input.through.setTime(0);
    input.occurrences[0]!.at.setTime(0);
    input.occurrences[0]!.task.scheduledFor!.setTime(0);
    outcome.state.settledThrough.setTime(0);
    outcome.state.lastEnqueuedFor!.setTime(0);
    outcome.enqueued[0]!.scheduledFor!.setTime(0);
    const [listed] = await backend.listSchedules({ backend: alias });
    expect(listed).toEqual({ name: "daily", settledThrough: at(10), lastEnqueuedFor: at(10), lastTaskId: outcome.state.lastTaskId });
    listed!.settledThrough.setTime(0);
    expect((await backend.registerSchedules({ backend: alias, now: at(50), names: ["daily"] }))[0]?.settledThrough).toEqual(at(10));
    expect((await backend.get({ backend: alias, id: input.occurrences[0]!.task.id }))?.scheduledFor).toEqual(at(10));
  });

  it("wakes listeners for the queues of stored occurrences only", async () => {
    const backend = memoryBackend();
    const heard: string[] = [];
    backend.onTasksAvailable((queueName) => heard.push(queueName));
    await backend.enqueueOccurrences(params([occurrence(10)], at(10)));
    await Promise.resolve();
    expect(heard).toEqual(["reports"]);
    await backend.enqueueOccurrences(params([occurrence(10)], at(10)));
    await Promise.resolve();
    expect(heard).toEqual(["reports"]);
  });

  it("forgets schedule states on clear(), and keeps them per alias", async () => {
    const backend = memoryBackend();
    await backend.registerSchedules({ backend: alias, now: at(0), names: ["daily"] });
    expect(await backend.listSchedules({ backend: "other" })).toEqual([]);
    backend.clear();
    expect(await backend.listSchedules({ backend: alias })).toEqual([]);
  });

  it("dummy and immediate backends declare no schedules and refuse the schedule calls with a clear sentence", async () => {
    for (const [backend, kind] of [
      [dummyBackend(), "dummy"],
      [immediateBackend(), "immediate"],
    ] as const) {
      expect(backend.capabilities.supportsSchedules).toBe(false);
      await expect(backend.registerSchedules({ backend: alias, now: at(0), names: ["daily"] })).rejects.toThrow(
        `registerSchedules(): the ${kind} memory backend does not store schedules (supportsSchedules is false); use memoryBackend() for scheduled tasks.`,
      );
      await expect(backend.enqueueOccurrences(params([occurrence(10)]))).rejects.toThrow(/enqueueOccurrences\(\): the .* does not store schedules/);
      await expect(backend.listSchedules({ backend: alias })).rejects.toThrow(/listSchedules\(\): the .* does not store schedules/);
      expect(backend.results).toEqual([]);
    }
  });
});
