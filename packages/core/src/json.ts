import { InvalidTaskError } from "./errors.js";
import { inspectJson, type JsonProblem } from "./json-inspect.js";
import { MAX_JSON_DEPTH } from "./limits.js";
import { UNSTORABLE_TEXT_ADVICE } from "./text-checks.js";

/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Why `value` cannot be stored as JSON, as "PATH is a Date"-style text, or `null` when it can.
 * Plain objects only: class instances, `Map`, `Set`, `Date`, `BigInt`, `undefined`, functions,
 * symbols, `NaN`/`Infinity` and cycles are all refused, and so are strings or keys holding a
 * NUL character or a lone UTF-16 surrogate, and nesting deeper than {@link MAX_JSON_DEPTH}
 * levels (counting `value` itself). Iterative: any depth gives an answer, not a stack overflow.
 */
export function describeNonJson(value: unknown, path: string): string | null {
  return inspectJson(value, path, { maxDepth: MAX_JSON_DEPTH })?.text ?? null;
}

/**
 * Throws {@link InvalidTaskError} naming the offending path when `args` are not storable JSON
 * values (see {@link describeNonJson}; each argument may nest {@link MAX_JSON_DEPTH} levels).
 * `action` completes "Task X cannot be …" in the message. Enqueue also limits the size: see
 * `checkArgsForEnqueue`.
 */
export function assertJsonArgs(args: readonly unknown[], taskName: string, action = "enqueued"): asserts args is JsonValue[] {
  const problem = inspectJson(args, "args", { maxDepth: MAX_JSON_DEPTH, listOfValues: true });
  if (problem) throw new InvalidTaskError(`Task "${taskName}" cannot be ${action}: ${problem.text}. ${adviceFor(problem)}`);
}

/** What to do about a {@link JsonProblem} in task arguments (all but "size", which depends on the backend). */
export function adviceFor(problem: JsonProblem): string {
  switch (problem.kind) {
    case "text":
      return `${UNSTORABLE_TEXT_ADVICE}.`;
    case "depth":
      return `Arguments may nest at most ${MAX_JSON_DEPTH} levels of arrays and objects: flatten the data, or store it elsewhere and pass its id.`;
    default:
      return "Task arguments must be JSON values; convert them before enqueueing (a Date to an ISO string, for example).";
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
