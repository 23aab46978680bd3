/**
 * Schedule states in `tasks_schedules` (SQLite): registering names, listing them, and enqueueing
 * a schedule's due occurrences. The writes run in the backend's immediate transaction: the write
 * lock taken at BEGIN makes the read of the settled time and the writes after it one step
 * against every other connection to the file. Every statement finds its rows by the primary
 * key (backend, name).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { EnqueueOccurrencesOutcome, EnqueueOccurrencesParams, RegisterSchedulesParams, ScheduleState } from "@tasks/core/backend";
import { byName, dueOccurrences, inOrderOf, sameState, scheduleStateOf, stateAfter } from "../shared/schedules.js";
import { insertTasks, type SqliteDb } from "./queries.js";
import { tasksSchedules as s } from "./schema.js";

const STATE_COLUMNS = { name: s.name, settledThrough: s.settledThrough, lastEnqueuedFor: s.lastEnqueuedFor, lastTaskId: s.lastTaskId };

/** Names per statement: far below SQLite's bound-parameter limit. */
const NAME_CHUNK = 500;

/**
 * Stores a state settled through `now` for each name that has none, then returns the states of
 * `names` in the order given. Run it inside a write transaction.
 */
export function registerScheduleStates(db: SqliteDb, params: RegisterSchedulesParams): ScheduleState[] {
  const names = [...new Set(params.names)];
  const found: ScheduleState[] = [];
  for (let start = 0; start < names.length; start += NAME_CHUNK) {
    const chunk = names.slice(start, start + NAME_CHUNK);
    db.insert(s)
      .values(chunk.map((name) => ({ backend: params.backend, name, settledThrough: params.now, updatedAt: params.now })))
      .onConflictDoNothing({ target: [s.backend, s.name] })
      .run();
    const rows = db.select(STATE_COLUMNS).from(s).where(and(eq(s.backend, params.backend), inArray(s.name, chunk))).all();
    found.push(...rows.map(scheduleStateOf));
  }
  return inOrderOf(params.names, found);
}

/** Every stored state of `backend`, by name. */
export function listScheduleStates(db: SqliteDb, backend: string): ScheduleState[] {
  return byName(db.select(STATE_COLUMNS).from(s).where(eq(s.backend, backend)).all().map(scheduleStateOf));
}

/**
 * Reads the schedule's settled time (no row: settled through nothing), stores the tasks of the
 * later occurrences through the ordinary insert, and writes the state after. Run it inside an
 * immediate transaction, so that no other connection can enqueue the same occurrences between
 * the read and the writes.
 */
export function enqueueDueOccurrences(db: SqliteDb, params: EnqueueOccurrencesParams): EnqueueOccurrencesOutcome {
  const [row] = db.select(STATE_COLUMNS).from(s).where(and(eq(s.backend, params.backend), eq(s.name, params.name))).all();
  const stored = row ? scheduleStateOf(row) : null;
  const due = dueOccurrences(params.occurrences, stored?.settledThrough ?? null);
  const outcomes = due.length === 0 ? [] : insertTasks(db, params.backend, params.now, due.map((occurrence) => occurrence.task));
  const state = stateAfter(params.name, stored, params.through, due);
  // Nothing to write when another worker settled these occurrences first.
  if (stored === null || !sameState(stored, state)) {
    const values = { settledThrough: state.settledThrough, lastEnqueuedFor: state.lastEnqueuedFor, lastTaskId: state.lastTaskId, updatedAt: params.now };
    db.insert(s)
      .values({ backend: params.backend, name: params.name, ...values })
      .onConflictDoUpdate({ target: [s.backend, s.name], set: values })
      .run();
  }
  return { state, enqueued: outcomes.map((outcome) => outcome.record) };
}
