/** Option validation shared by the Postgres and SQLite backend factories. */
import { InvalidConfigurationError } from "@tasks/core";

/** Throws unless `options` is a plain object; `example` shows a correct call. */
export function requireOptionsObject(options: unknown, factory: string, example: string): asserts options is Record<string, unknown> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidConfigurationError(`${factory}() needs an options object, for example ${example}.`);
  }
}

/** Throws unless exactly one of `keys` is set (not undefined) in `options`; returns that key. */
export function requireExactlyOne<K extends string>(options: Record<string, unknown>, keys: readonly K[], factory: string, example: string): K {
  const present = keys.filter((key) => options[key] !== undefined);
  if (present.length === 1) return present[0] as K;
  const list = keys.map((key) => `"${key}"`).join(", ");
  if (present.length === 0) {
    throw new InvalidConfigurationError(`${factory}() needs one of ${list}, for example ${example}.`);
  }
  throw new InvalidConfigurationError(
    `${factory}() got ${present.map((key) => `"${key}"`).join(" and ")}, but takes only one of ${list}. Pass just one.`,
  );
}

/** Throws unless every key of `options` is in `allowed` (catches misspelled options). */
export function rejectUnknownOptions(options: Record<string, unknown>, allowed: readonly string[], factory: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new InvalidConfigurationError(
        `${factory}() does not know the option "${key}". Known options: ${allowed.map((name) => `"${name}"`).join(", ")}.`,
      );
    }
  }
}

/** Returns `value` when it is a boolean, `fallback` when undefined; throws otherwise. */
export function optionalBoolean(value: unknown, name: string, fallback: boolean, factory: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new InvalidConfigurationError(`${factory}() option "${name}" must be true or false; got ${describe(value)}.`);
  }
  return value;
}

/** Returns `value` (or `fallback` when absent) when it is a number of milliseconds within the bounds; throws otherwise. */
export function optionalMilliseconds(
  value: unknown,
  name: string,
  bounds: { readonly fallback: number; readonly min: number; readonly max: number },
  factory: string,
): number {
  if (value === undefined) return bounds.fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < bounds.min || value > bounds.max) {
    throw new InvalidConfigurationError(`${factory}() option "${name}" must be a number of milliseconds from ${bounds.min} to ${bounds.max}; got ${describe(value)}.`);
  }
  return value;
}

/** Returns `value` when it is a non-empty string; throws otherwise. */
export function requireNonEmptyString(value: unknown, name: string, factory: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidConfigurationError(`${factory}() option "${name}" must be a non-empty string; got ${describe(value)}.`);
  }
  return value;
}

/** Returns `value` when it is an object (not null or an array); throws otherwise. */
export function requireObject(value: unknown, name: string, factory: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidConfigurationError(`${factory}() option "${name}" must be an object; got ${describe(value)}.`);
  }
  return value as Record<string, unknown>;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === "object" ? `an object (${(value as object).constructor?.name ?? "Object"})` : `${typeof value} ${String(value)}`;
}
