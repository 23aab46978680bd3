import type {
  EnqueueOccurrencesOutcome,
  EnqueueOccurrencesParams,
  ListSchedulesParams,
  RegisterSchedulesParams,
  ScheduleState,
} from "@tasks/core/backend";
import { checkEnqueueOccurrencesParams, checkRegisterSchedulesParams } from "@tasks/core/backend";
import { enqueueTasks } from "./enqueue.js";
import { copyDate, copyRecord, type Row } from "./rows.js";
import type { MemoryStore, ScheduleRow } from "./store.js";

/** Stores `settledThrough = now` for each name without a state; returns the state of every name, in order. */
export function registerSchedules(store: MemoryStore, params: RegisterSchedulesParams): ScheduleState[] {
  checkRegisterSchedulesParams(params);
  const schedules = store.partition(params.backend).schedules;
  return params.names.map((name) => {
    let row = schedules.get(name);
    if (!row) schedules.set(name, (row = { settledThrough: new Date(params.now.getTime()), lastEnqueuedFor: null, lastTaskId: null }));
    return stateOf(name, row);
  });
}

/**
 * Stores the task of each occurrence later than the schedule's `settledThrough` (all of them
 * when it has no state) through the ordinary enqueue, then moves `settledThrough` forward to
 * `through`. Synchronous from check to state update, so concurrent callers in this process
 * cannot interleave: each occurrence becomes one task. Returns the created rows to announce.
 */
export function enqueueOccurrences(store: MemoryStore, params: EnqueueOccurrencesParams): { outcome: EnqueueOccurrencesOutcome; created: Row[] } {
  checkEnqueueOccurrencesParams(params);
  const schedules = store.partition(params.backend).schedules;
  const before = schedules.get(params.name);
  const settled = before ? before.settledThrough.getTime() : -Infinity;
  const due = params.occurrences.filter((occurrence) => occurrence.at.getTime() > settled);
  // enqueueTasks stores all or nothing, so a refused task leaves the state untouched as well.
  const { created } = enqueueTasks(store, { backend: params.backend, now: params.now, tasks: due.map((occurrence) => occurrence.task) });
  const row: ScheduleRow = before ?? { settledThrough: new Date(params.through.getTime()), lastEnqueuedFor: null, lastTaskId: null };
  if (params.through.getTime() > row.settledThrough.getTime()) row.settledThrough = new Date(params.through.getTime());
  const latest = created.at(-1);
  if (latest) {
    row.lastEnqueuedFor = copyDate(latest.scheduledFor);
    row.lastTaskId = latest.id;
  }
  schedules.set(params.name, row);
  return { outcome: { state: stateOf(params.name, row), enqueued: created.map((created) => copyRecord(created)) }, created };
}

/** Every schedule state of the alias, sorted by name (in code-unit order). */
export function listSchedules(store: MemoryStore, params: ListSchedulesParams): ScheduleState[] {
  return [...store.partition(params.backend).schedules.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, row]) => stateOf(name, row));
}

function stateOf(name: string, row: ScheduleRow): ScheduleState {
  return { name, settledThrough: new Date(row.settledThrough.getTime()), lastEnqueuedFor: copyDate(row.lastEnqueuedFor), lastTaskId: row.lastTaskId };
}
