import { InvalidTaskError } from "./errors.js";

/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Why `value` is not a plain JSON value, as "PATH is a Date"-style text, or `null` when it is.
 * Plain objects only: class instances, `Map`, `Set`, `Date`, `BigInt`, `undefined`, functions,
 * symbols, `NaN`/`Infinity` and cycles are all refused.
 */
export function describeNonJson(value: unknown, path: string): string | null {
  return check(value, path, new Set());
}

function check(value: unknown, path: string, seen: Set<object>): string | null {
  switch (typeof value) {
    case "string":
    case "boolean":
      return null;
    case "number":
      return Number.isFinite(value) ? null : `${path} is ${String(value)}, which JSON cannot represent`;
    case "bigint":
      return `${path} is a BigInt; pass it as a string or number`;
    case "undefined":
      return `${path} is undefined; use null or leave the key out`;
    case "function":
      return `${path} is a function`;
    case "symbol":
      return `${path} is a symbol`;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return `${path} refers back to itself (a cycle)`;
  if (Array.isArray(object)) {
    seen.add(object);
    for (let index = 0; index < object.length; index++) {
      if (!(index in object)) return `${path}[${index}] is an empty array slot`;
      const problem = check(object[index], `${path}[${index}]`, seen);
      if (problem) return problem;
    }
    seen.delete(object);
    return null;
  }
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    const name = (object as { constructor?: { name?: string } }).constructor?.name ?? "object";
    const article = /^[AEIOU]/i.test(name) ? "an" : "a";
    return `${path} is ${article} ${name}; only plain objects, arrays, strings, finite numbers, booleans and null are allowed`;
  }
  seen.add(object);
  for (const key of Object.keys(object)) {
    const childPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    const problem = check((object as Record<string, unknown>)[key], childPath, seen);
    if (problem) return problem;
  }
  if (Object.getOwnPropertySymbols(object).length > 0) return `${path} has symbol keys`;
  seen.delete(object);
  return null;
}

/** Throws {@link InvalidTaskError} naming the offending path when `args` are not JSON values. */
export function assertJsonArgs(args: readonly unknown[], taskName: string): asserts args is JsonValue[] {
  const problem = describeNonJson(args, "args");
  if (problem) {
    throw new InvalidTaskError(
      `Task "${taskName}" cannot be enqueued: ${problem}. Task arguments must be JSON values; convert them before enqueueing (a Date to an ISO string, for example).`,
    );
  }
}

/** A deep copy of a JSON value (so stored data never shares objects with the caller). */
export function copyJson<T extends JsonValue>(value: T): T {
  return value === null || typeof value !== "object" ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** JSON text with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(",")}}`;
}
