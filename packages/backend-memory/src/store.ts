import { TasksError } from "@tasks/core/backend";
import type { Row } from "./rows.js";

/** When a worker last sent a heartbeat, until when it counts as live, and what it can run. */
export interface WorkerBeat {
  lastSeenAt: Date;
  expiresAt: Date;
  /** The task names it reported; `null` if it never did (it counts as able to run anything). */
  taskNames: string[] | null;
}

/** What the store keeps about one schedule (see `ScheduleState` in core); changed in place, never handed out. */
export interface ScheduleRow {
  settledThrough: Date;
  lastEnqueuedFor: Date | null;
  lastTaskId: string | null;
}

/** The rows of one backend alias, in enqueue order, with a uniqueness index and its schedule states. */
export class Partition {
  /** Rows by id; a Map keeps insertion (enqueue) order. */
  readonly rows = new Map<string, Row>();
  /** The row id last stored for each unique key; checked for READY/RUNNING on use. */
  readonly uniqueKeys = new Map<string, string>();
  readonly workers = new Map<string, WorkerBeat>();
  /** Schedule states by schedule name. */
  readonly schedules = new Map<string, ScheduleRow>();

  /** The READY or RUNNING row holding `key`, if any. */
  activeHolder(key: string): Row | undefined {
    const id = this.uniqueKeys.get(key);
    const row = id === undefined ? undefined : this.rows.get(id);
    return row && (row.status === "READY" || row.status === "RUNNING") ? row : undefined;
  }

  insert(row: Row): void {
    this.rows.set(row.id, row);
    if (row.uniqueKey !== null) this.uniqueKeys.set(row.uniqueKey, row.id);
  }

  delete(row: Row): void {
    this.rows.delete(row.id);
    if (row.uniqueKey !== null && this.uniqueKeys.get(row.uniqueKey) === row.id) this.uniqueKeys.delete(row.uniqueKey);
  }
}

/** Every partition of one memory backend, by backend alias. */
export class MemoryStore {
  readonly #partitions = new Map<string, Partition>();
  #closed = false;

  /** The partition of `alias`, created on first use. Throws once the backend is closed. */
  partition(alias: string): Partition {
    if (this.#closed) {
      throw new TasksError("This memory task backend was closed; create a new one (memoryBackend()) instead of reusing it.");
    }
    let partition = this.#partitions.get(alias);
    if (!partition) this.#partitions.set(alias, (partition = new Partition()));
    return partition;
  }

  /** Every stored row of every alias, in enqueue order within each alias. */
  allRows(): Row[] {
    return [...this.#partitions.values()].flatMap((partition) => [...partition.rows.values()]);
  }

  /** Forgets every row, heartbeat and schedule state. */
  clear(): void {
    this.#partitions.clear();
  }

  close(): void {
    this.#closed = true;
    this.#partitions.clear();
  }
}

/** Throws a clear error unless `value` is a whole number ≥ 1. */
export function assertLimit(operation: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new TasksError(`${operation}: "${name}" must be a whole number ≥ 1 (got ${String(value)}).`);
  }
}

/** Throws a clear error unless `value` is absent or an array of strings (task names). */
export function assertTaskNames(operation: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((name) => typeof name !== "string")) {
    throw new TasksError(`${operation}: "taskNames" must be an array of task names (strings), or left out for any name (got ${describeValue(value)}).`);
  }
}

function describeValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : Array.isArray(value) ? `[${value.map((item) => typeof item).join(", ")}]` : typeof value;
}
