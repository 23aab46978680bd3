/**
 * Reading `tasks_results` rows that other code may have written (raw SQL, another program, an
 * older version): every value is checked as it is read. A value that cannot be read is noted
 * (which column, what is wrong, what it holds) and replaced by a fallback, so a caller gets
 * both a record and the list of problems: the claim and rescue set such a row aside as FAILED
 * (writing the fallbacks back), `get()` reports it with an {@link UnreadableTaskRowError}.
 *
 * The checks are plain type tests; nothing is done twice for a row that reads cleanly.
 */
import type { JsonValue, TaskErrorRecord, TaskRecord } from "@tasks/core/backend";
import { ALL_STATUSES, ResultStatus, TasksError } from "@tasks/core/backend";

/** The record fields a stored column maps to, with the column's SQL name. */
export const COLUMN_OF = {
  id: "id",
  backend: "backend",
  taskName: "task_name",
  queueName: "queue_name",
  priority: "priority",
  args: "args",
  status: "status",
  runAfter: "run_after",
  enqueuedAt: "enqueued_at",
  startedAt: "started_at",
  finishedAt: "finished_at",
  lastAttemptedAt: "last_attempted_at",
  attempts: "attempts",
  maxAttempts: "max_attempts",
  workerIds: "worker_ids",
  errors: "errors",
  returnValue: "return_value",
  leaseExpiresAt: "lease_expires_at",
  identityHash: "identity_hash",
  uniqueKey: "unique_key",
  scheduledFor: "scheduled_for",
  traceContext: "trace_context",
} as const;

/** A field of a task record that is read from a column. */
export type RecordField = keyof typeof COLUMN_OF;

/** One stored value that could not be read. */
export interface RowProblem {
  /** The record field whose column holds the value. */
  readonly field: RecordField;
  /** What is wrong, naming the column: `column "args" is not valid JSON (it holds the text "{oops")`. */
  readonly problem: string;
  /** What the record holds instead, as a phrase: `kept as a JSON string`. */
  readonly fallback: string;
}

const STATUSES: ReadonlySet<string> = new Set(ALL_STATUSES);
const EPOCH = 0;

/**
 * Reads the values of one row. Each method returns the value when it is readable, otherwise
 * notes a {@link RowProblem} and returns a fallback; {@link problems} stays null for a clean row.
 */
export class RowReader {
  /** What could not be read, in column order; null when everything could. */
  problems: RowProblem[] | null = null;

  /** A text column (ids, names, hashes). */
  text(field: RecordField, value: unknown): string {
    if (typeof value === "string") return value;
    this.#note(field, `holds ${describeStored(value)}, not text`, "read as text");
    return String(value);
  }

  /** A nullable text column (the unique key). */
  optionalText(field: RecordField, value: unknown): string | null {
    return value === null ? null : this.text(field, value);
  }

  /** An integer column; `fallback` when the value is not a whole number. */
  int(field: RecordField, value: unknown, fallback: number): number {
    if (typeof value === "number" && Number.isInteger(value)) return value;
    this.#note(field, `holds ${describeStored(value)}, not a whole number`, `set to ${fallback}`);
    return fallback;
  }

  /** A nullable time column: a Date, milliseconds (SQLite) or timestamp text (Postgres). */
  time(field: RecordField, value: unknown): Date | null {
    if (value === null) return null;
    const date = toDate(value);
    if (date !== null) return date;
    this.#note(field, `holds ${describeStored(value)}, not a point in time`, "set to NULL");
    return null;
  }

  /** A time column that must hold a value; the Unix epoch when it cannot be read. */
  requiredTime(field: RecordField, value: unknown): Date {
    const date = toDate(value);
    if (date !== null) return date;
    this.#note(field, `holds ${describeStored(value)}, not a point in time`, "set to 1970-01-01");
    return new Date(EPOCH);
  }

  /**
   * A JSON column read as stored text (or null). The stored value comes back as it is, array
   * or not. Text that is not JSON comes back as that text (and is kept as a JSON string when
   * the row is set aside).
   */
  json(field: RecordField, value: unknown): JsonValue {
    if (value === null) return null;
    if (typeof value === "string") {
      try {
        return JSON.parse(value) as JsonValue;
      } catch {
        this.#note(field, `is not valid JSON (it holds ${describeStored(value)})`, "kept as a JSON string");
        return value;
      }
    }
    this.#note(field, `holds ${describeStored(value)}, not JSON text`, "set to null");
    return null;
  }

  /** A JSON array column the library keeps (worker ids, errors): `[]` for anything else. */
  jsonArray(field: RecordField, value: unknown): unknown[] {
    if (value === "[]") return [];
    if (typeof value === "string") {
      try {
        const parsed = JSON.parse(value) as unknown;
        return Array.isArray(parsed) ? parsed : [];
      } catch {
        // Noted below.
      }
    }
    this.#note(field, value === null ? "holds NULL, not a JSON array" : `is not valid JSON (it holds ${describeStored(value)})`, "set to []");
    return [];
  }

  /**
   * The trace context column (JSON text, or the object a driver parsed): an object of string
   * values, or null for anything else. Never noted as a problem: the trace context only links
   * spans, and a value other code stored must not set the task aside.
   */
  traceContext(value: unknown): Record<string, string> | null {
    return value === null ? null : traceContextOf(value);
  }

  /** The status column. */
  status(value: unknown): ResultStatus {
    if (STATUSES.has(value as string)) return value as ResultStatus;
    this.#note("status", `holds ${describeStored(value)}, which is not a task status (${ALL_STATUSES.join(", ")})`, "set to FAILED");
    return ResultStatus.FAILED;
  }

  #note(field: RecordField, problem: string, fallback: string): void {
    (this.problems ??= []).push({ field, problem: `column "${COLUMN_OF[field]}" ${problem}`, fallback });
  }
}

/** A stored trace context as an object of string values, or null when it is anything else. */
function traceContextOf(value: unknown): Record<string, string> | null {
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  for (const field of Object.values(parsed)) if (typeof field !== "string") return null;
  return parsed as Record<string, string>;
}

/** A valid Date from a stored time, or null. */
function toDate(value: unknown): Date | null {
  const date = value instanceof Date ? value : typeof value === "number" || typeof value === "string" ? new Date(value) : null;
  return date !== null && !Number.isNaN(date.getTime()) ? date : null;
}

/** How a stored value is named in a problem: `the text "high"`, `the number 2.5`, `a 3-byte blob`. */
export function describeStored(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return `the text ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === "number" || typeof value === "bigint") return `the number ${String(value)}`;
  if (value instanceof Uint8Array) return `a ${value.length}-byte blob`;
  if (value instanceof Date) return "an invalid time";
  return `a value of type ${typeof value}`;
}

/**
 * A stored row that cannot be read. Thrown by reads that return the task (`get()`, `cancel()`);
 * a claim or rescue sets such a row aside instead.
 */
export class UnreadableTaskRowError extends TasksError {
  /** The task's id. */
  readonly taskId: string;
  /** What could not be read. */
  readonly problems: readonly RowProblem[];

  constructor(taskId: string, backend: string, problems: readonly RowProblem[]) {
    super(
      `Task ${taskId} of backend "${backend}" cannot be read: ${problemList(problems, false)}. The row was written by something other than @tasks ` +
        "(raw SQL, another program or an older version). Correct or delete the row; a READY row like it is set aside as FAILED when a worker claims it.",
    );
    this.taskId = taskId;
    this.problems = problems;
  }
}

/**
 * The error recorded on a row that is set aside: which columns could not be read, what they
 * held and what they hold now.
 */
export function setAsideErrorRecord(problems: readonly RowProblem[]): TaskErrorRecord {
  return {
    className: "UnreadableTaskRowError",
    message:
      `This task was set aside as FAILED without running because its stored row cannot be read: ${problemList(problems, true)}. ` +
      "The row was written by something other than @tasks (raw SQL, another program or an older version); correct the data and enqueue the task again.",
    stack: "",
  };
}

/** The error `health()` shows for a FAILED task whose stored errors cannot be read. */
export function unreadableErrorsRecord(problems: readonly RowProblem[]): TaskErrorRecord {
  return {
    className: "UnreadableTaskRowError",
    message: `The errors stored for this task cannot be read: ${problemList(problems, false)}. The row was written by something other than @tasks.`,
    stack: "",
  };
}

function problemList(problems: readonly RowProblem[], withFallback: boolean): string {
  return problems.map((entry) => (withFallback ? `${entry.problem} (${entry.fallback})` : entry.problem)).join("; ");
}

/** A row the claim or rescue could not read, with the record read from it (fallbacks included). */
export interface UnreadableRow {
  readonly record: TaskRecord;
  readonly problems: readonly RowProblem[];
}
