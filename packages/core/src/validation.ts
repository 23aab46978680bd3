import { InvalidTaskError, type TasksError } from "./errors.js";

type ErrorClass = new (message: string) => TasksError;

/** Lowest allowed priority. */
export const MIN_PRIORITY = -100;
/** Highest allowed priority. */
export const MAX_PRIORITY = 100;
/** Longest allowed task or queue name. */
export const MAX_NAME_LENGTH = 255;

/** Throws unless `priority` is an integer from −100 to 100. */
export function validatePriority(priority: unknown, where: string, ErrorType: ErrorClass = InvalidTaskError): asserts priority is number {
  if (typeof priority !== "number" || !Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    throw new ErrorType(
      `Invalid priority ${describe(priority)} for ${where}: priority must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY} (higher runs first).`,
    );
  }
}

/** Throws unless `name` is a non-empty string of at most 255 characters. */
export function validateTaskName(name: unknown, ErrorType: ErrorClass = InvalidTaskError): asserts name is string {
  if (typeof name !== "string" || name.trim() === "") {
    throw new ErrorType(
      `A task needs a "name": a stable, unique, non-empty string such as "emails.send" (got ${describe(name)}). Function names do not survive bundling, so the name is stored instead.`,
    );
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new ErrorType(`Task name "${name.slice(0, 40)}…" is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}.`);
  }
}

/** Throws unless `queue` is a non-empty string of at most 255 characters. */
export function validateQueueName(queue: unknown, where: string, ErrorType: ErrorClass = InvalidTaskError): asserts queue is string {
  if (typeof queue !== "string" || queue.trim() === "" || queue.length > MAX_NAME_LENGTH || queue === "*") {
    throw new ErrorType(
      `Invalid queue name ${describe(queue)} for ${where}: a queue name is a non-empty string of at most ${MAX_NAME_LENGTH} characters and not "*".`,
    );
  }
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

/** Throws unless `value` is a valid `Date` (or null). */
export function validateRunAfter(value: unknown, where: string): asserts value is Date | null {
  if (value === null) return;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidTaskError(`Invalid runAfter ${describe(value)} for ${where}: it must be a valid Date (or null for no delay).`);
  }
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
