/**
 * Schedule states in `tasks_schedules` (Postgres): registering names, listing them, and the
 * transaction that enqueues a schedule's due occurrences. Low-rate calls, so built with
 * Drizzle; every statement finds its rows by the primary key (backend, name).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { EnqueueOccurrencesOutcome, EnqueueOccurrencesParams, RegisterSchedulesParams, ScheduleState } from "@tasks/core/backend";
import { byName, dueOccurrences, inOrderOf, sameState, scheduleStateOf, stateAfter, type ScheduleRowShape } from "../shared/schedules.js";
import type { PgDb } from "./db.js";
import { insertTasks } from "./queries.js";
import { tasksSchedules as s } from "./schema.js";

const STATE_COLUMNS = { name: s.name, settledThrough: s.settledThrough, lastEnqueuedFor: s.lastEnqueuedFor, lastTaskId: s.lastTaskId };

/**
 * Stores a state settled through `now` for each name that has none (one statement; names
 * stored meanwhile by another worker are left as they are), then reads the states of `names`
 * and returns them in the order given.
 */
export async function registerScheduleStates(db: PgDb, params: RegisterSchedulesParams): Promise<ScheduleState[]> {
  if (params.names.length === 0) return [];
  const names = [...new Set(params.names)];
  await db
    .insert(s)
    .values(names.map((name) => ({ backend: params.backend, name, settledThrough: params.now, updatedAt: params.now })))
    .onConflictDoNothing({ target: [s.backend, s.name] });
  // A statement of its own: it sees rows other workers committed while the insert above ran.
  const rows = await db.select(STATE_COLUMNS).from(s).where(and(eq(s.backend, params.backend), inArray(s.name, names)));
  return inOrderOf(params.names, rows.map(scheduleStateOf));
}

/** Every stored state of `backend`, by name. */
export async function listScheduleStates(db: PgDb, backend: string): Promise<ScheduleState[]> {
  const rows = await db.select(STATE_COLUMNS).from(s).where(eq(s.backend, backend));
  return byName(rows.map(scheduleStateOf));
}

/**
 * Run inside one transaction (`tx`): locks the schedule's state row (creating it when absent,
 * which counts as settled through nothing), stores the tasks of the occurrences later than its
 * settled time through the ordinary insert (whose NOTIFY Postgres delivers at commit), and
 * writes the state after. A concurrent caller waits for the lock, then sees those occurrences
 * settled: each becomes one task.
 */
export async function enqueueDueOccurrences(tx: PgDb, params: EnqueueOccurrencesParams): Promise<EnqueueOccurrencesOutcome> {
  const key = and(eq(s.backend, params.backend), eq(s.name, params.name));
  // Created here, the row is locked by this transaction until it ends; its settled time is a
  // placeholder, replaced below by the same `through`.
  const created = await tx
    .insert(s)
    .values({ backend: params.backend, name: params.name, settledThrough: params.through, updatedAt: params.now })
    .onConflictDoNothing({ target: [s.backend, s.name] })
    .returning({ name: s.name });
  let stored: ScheduleRowShape | null = null;
  if (created.length === 0) {
    const [row] = await tx.select(STATE_COLUMNS).from(s).where(key).for("update");
    if (!row) throw new Error(`The state of schedule "${params.name}" was neither inserted nor found; was it deleted meanwhile?`);
    stored = scheduleStateOf(row);
  }
  const due = dueOccurrences(params.occurrences, stored?.settledThrough ?? null);
  const tasks = due.map((occurrence) => occurrence.task);
  const outcomes = tasks.length === 0 ? [] : await insertTasks(tx, null, params.backend, params.now, tasks, [...new Set(tasks.map((task) => task.queueName))]);
  const state = stateAfter(params.name, stored, params.through, due);
  // A row created above already holds `through` and no task: it changes only if tasks were stored.
  const changed = stored === null ? due.length > 0 : !sameState(stored, state);
  if (changed) {
    await tx
      .update(s)
      .set({ settledThrough: state.settledThrough, lastEnqueuedFor: state.lastEnqueuedFor, lastTaskId: state.lastTaskId, updatedAt: params.now })
      .where(key);
  }
  return { state, enqueued: outcomes.map((outcome) => outcome.record) };
}
