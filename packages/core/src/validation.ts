import { InvalidTaskError, type TasksError } from "./errors.js";
import { formatNumber, MAX_RUN_AFTER_MS, MIN_RUN_AFTER_MS } from "./limits.js";
import { describeUnstorableText } from "./text-checks.js";

type ErrorClass = new (message: string) => TasksError;

/** Lowest allowed priority. */
export const MIN_PRIORITY = -100;
/** Highest allowed priority. */
export const MAX_PRIORITY = 100;
/**
 * Longest allowed task name, queue name, backend alias and explicit unique key, in UTF-16 code
 * units (`string.length`). Every backend stores them as unbounded text; the limit keeps
 * index keys small (Postgres refuses btree entries above about 2.7 kB) and names readable.
 */
export const MAX_NAME_LENGTH = 255;

/** Throws unless `priority` is an integer from −100 to 100. */
export function validatePriority(priority: unknown, where: string, ErrorType: ErrorClass = InvalidTaskError): asserts priority is number {
  if (typeof priority !== "number" || !Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    throw new ErrorType(
      `Invalid priority ${describe(priority)} for ${where}: priority must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY} (higher runs first).`,
    );
  }
}

/**
 * Throws unless `name` is a non-empty string of at most {@link MAX_NAME_LENGTH} characters
 * without NUL characters or lone surrogates. Quotes, `;` and any other Unicode are fine.
 */
export function validateTaskName(name: unknown, ErrorType: ErrorClass = InvalidTaskError): asserts name is string {
  if (typeof name !== "string" || name.trim() === "") {
    throw new ErrorType(
      `A task needs a "name": a stable, unique, non-empty string such as "emails.send" (got ${describe(name)}). Function names do not survive bundling, so the name is stored instead.`,
    );
  }
  const problem = nameProblem(name);
  if (problem) throw new ErrorType(`Task name ${describe(name)} ${problem}`);
}

/** Throws unless `queue` is a non-empty string of at most {@link MAX_NAME_LENGTH} characters, storable, and not "*". */
export function validateQueueName(queue: unknown, where: string, ErrorType: ErrorClass = InvalidTaskError): asserts queue is string {
  if (typeof queue !== "string" || queue.trim() === "" || queue === "*") {
    throw new ErrorType(
      `Invalid queue name ${describe(queue)} for ${where}: a queue name is a non-empty string of at most ${MAX_NAME_LENGTH} characters and not "*".`,
    );
  }
  const problem = nameProblem(queue);
  if (problem) throw new ErrorType(`Invalid queue name ${describe(queue)} for ${where}: it ${problem}`);
}

/**
 * Why `name` (a task or queue name, alias or unique key) cannot be stored, as the end of a
 * sentence ("is 300 characters long; …"), or `null` when it can.
 */
export function nameProblem(name: string): string | null {
  if (name.length > MAX_NAME_LENGTH) {
    return `is ${formatNumber(name.length)} characters long; the limit is ${MAX_NAME_LENGTH}. Use a shorter name: it is stored with every task.`;
  }
  const bad = describeUnstorableText(name);
  return bad ? `${bad}. Postgres cannot store it and other backends would store it differently; use a name without it.` : null;
}

/** Throws unless `value` is an integer ≥ 1. */
export function validateMaxAttempts(value: unknown, where: string, ErrorType: ErrorClass = InvalidTaskError): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ErrorType(`Invalid maxAttempts ${describe(value)} for ${where}: it must be an integer of at least 1 (1 means no retries).`);
  }
}

/** Throws unless `value` is a finite number of milliseconds > 0. */
export function validatePositiveMs(value: unknown, field: string, where: string, ErrorType: ErrorClass = InvalidTaskError): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ErrorType(`Invalid ${field} ${describe(value)} for ${where}: it must be a positive number of milliseconds.`);
  }
}

/**
 * Throws unless `value` is null or a valid `Date` from 1970-01-01T00:00:00.000Z to
 * 9999-12-31T23:59:59.999Z ({@link MIN_RUN_AFTER_MS} to {@link MAX_RUN_AFTER_MS}), the range
 * every backend stores unchanged.
 */
export function validateRunAfter(value: unknown, where: string): asserts value is Date | null {
  if (value === null) return;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidTaskError(`Invalid runAfter ${describe(value)} for ${where}: it must be a valid Date (or null for no delay).`);
  }
  const ms = value.getTime();
  if (ms < MIN_RUN_AFTER_MS || ms > MAX_RUN_AFTER_MS) {
    throw new InvalidTaskError(
      `Invalid runAfter ${describe(value)} for ${where}: it must be from 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z, the range every backend can store. ` +
        "Check for a timestamp in the wrong unit (seconds for milliseconds, or the reverse).",
    );
  }
}

/**
 * Throws unless `unique` is a boolean or `{ key }` with a non-empty key of at most
 * {@link MAX_NAME_LENGTH} characters, without NUL characters or lone surrogates.
 */
export function validateUnique(unique: unknown, where: string): void {
  if (typeof unique === "boolean") return;
  const key = typeof unique === "object" && unique !== null ? (unique as { key?: unknown }).key : undefined;
  if (typeof key !== "string" || key === "") {
    throw new InvalidTaskError(`Invalid unique ${describe(unique)} for ${where}: use true, false or { key: "a non-empty string" }.`);
  }
  const problem = nameProblem(key);
  if (problem) throw new InvalidTaskError(`Invalid unique key ${describe(key)} for ${where}: it ${problem.replace("name", "key")}`);
}

/** A short description of a value for error messages (long strings are cut after 60 characters). */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
