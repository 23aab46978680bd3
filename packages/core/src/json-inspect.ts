/**
 * One pass over a value that must be stored as JSON: refuses what JSON cannot hold, text no
 * backend stores alike, nesting deeper than a limit and (optionally) values certainly larger
 * than a byte budget. Iterative, so a 100,000-deep value costs an error, not a stack overflow;
 * paths are only spelled out for the error.
 */
import { describeUnstorableText } from "./text-checks.js";

/** What {@link inspectJson} found wrong, and which rule it broke. */
export interface JsonProblem {
  /** "value": not JSON; "text": a NUL or lone surrogate; "depth": nested too deep; "size": over the byte budget. */
  readonly kind: "value" | "text" | "depth" | "size";
  /** "PATH is a Date"-style text, naming where the problem is. */
  readonly text: string;
  /** For "size": the lower bound of the UTF-8 JSON length that passed the budget. */
  readonly bytes?: number;
}

/** An array or object being walked. */
interface Frame {
  readonly container: object;
  /** Own keys of an object; `null` for an array. */
  readonly keys: readonly string[] | null;
  readonly length: number;
  next: number;
  /** How the parent reached this container (`null` for the root). */
  readonly segment: string | number | null;
}

/** Limits of {@link inspectJson}. */
export interface JsonLimits {
  /** Most levels of arrays and objects in one value, counting the value itself. */
  readonly maxDepth: number;
  /** Treat the root as a list of values (task arguments), each allowed `maxDepth` levels. */
  readonly listOfValues?: boolean;
  /** Stop with a "size" problem once a lower bound of the UTF-8 JSON length passes this. */
  readonly maxBytes?: number;
}

/**
 * Checks `value` and returns the first problem, or `null`. The size check is a cheap lower
 * bound that stops early on values far too large; measure the JSON text for an exact size.
 */
export function inspectJson(value: unknown, path: string, limits: JsonLimits): JsonProblem | null {
  const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
  const levels = { max: limits.maxDepth + (limits.listOfValues ? 1 : 0), shown: limits.maxDepth };
  const stack: Frame[] = [];
  // A lower bound of the JSON text's UTF-8 length: UTF-8 never takes fewer bytes than UTF-16
  // code units, and quotes, colons, commas and brackets are counted at one byte each.
  let bytes = 0;
  let child: unknown = value;
  let segment: string | number | null = null;
  for (;;) {
    if (child === null) {
      bytes += 4;
    } else if (typeof child === "string") {
      const bad = describeUnstorableText(child);
      if (bad) return { kind: "text", text: `${childPath(path, stack, segment)} ${bad}` };
      bytes += child.length + 2;
    } else if (typeof child === "number") {
      if (!Number.isFinite(child)) return { kind: "value", text: `${childPath(path, stack, segment)} is ${String(child)}, which JSON cannot represent` };
      bytes += 1;
    } else if (typeof child === "boolean") {
      bytes += 4;
    } else if (typeof child === "object") {
      const problem = enter(child, stack, segment, levels, path);
      if (problem) return problem;
      bytes += stack[stack.length - 1]!.length + 1;
    } else {
      return { kind: "value", text: `${childPath(path, stack, segment)} ${describeNonJsonScalar(child)}` };
    }
    if (bytes > maxBytes) return { kind: "size", text: `${path} takes at least ${bytes} bytes as JSON`, bytes };

    // Move to the next unvisited child, leaving finished containers.
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) return null;
      if (top.next < top.length) {
        const index = top.next++;
        if (top.keys === null) {
          const array = top.container as unknown[];
          if (!(index in array)) return { kind: "value", text: `${childPath(path, stack, index)} is an empty array slot` };
          child = array[index];
          segment = index;
        } else {
          const key = top.keys[index]!;
          const bad = describeUnstorableText(key);
          if (bad) return { kind: "text", text: `${pathOf(path, stack)} has a key ${JSON.stringify(key)} that ${bad}` };
          bytes += key.length + 3;
          child = (top.container as Record<string, unknown>)[key];
          segment = key;
        }
        break;
      }
      stack.pop();
    }
  }
}

/** Pushes an array or plain object onto `stack`, or returns why it cannot be JSON. */
function enter(object: object, stack: Frame[], segment: string | number | null, levels: { max: number; shown: number }, path: string): JsonProblem | null {
  // Only the containers on the current path can close a cycle; the depth limit keeps this short.
  for (const frame of stack) {
    if (frame.container === object) return { kind: "value", text: `${childPath(path, stack, segment)} refers back to itself (a cycle)` };
  }
  let keys: string[] | null = null;
  if (!Array.isArray(object)) {
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const name = (object as { constructor?: { name?: string } }).constructor?.name || "object";
      const article = /^[AEIOU]/i.test(name) ? "an" : "a";
      return {
        kind: "value",
        text: `${childPath(path, stack, segment)} is ${article} ${name}; only plain objects, arrays, strings, finite numbers, booleans and null are allowed`,
      };
    }
    if (Object.getOwnPropertySymbols(object).length > 0) return { kind: "value", text: `${childPath(path, stack, segment)} has symbol keys` };
    keys = Object.keys(object);
  }
  if (stack.length >= levels.max) {
    return { kind: "depth", text: `${childPath(path, stack, segment)} is nested more than ${levels.shown} levels deep` };
  }
  stack.push({ container: object, keys, length: keys ? keys.length : (object as unknown[]).length, next: 0, segment });
  return null;
}

function describeNonJsonScalar(value: unknown): string {
  switch (typeof value) {
    case "bigint":
      return "is a BigInt; pass it as a string or number";
    case "undefined":
      return "is undefined; use null or leave the key out";
    case "function":
      return "is a function";
    default:
      return "is a symbol";
  }
}

/** The path of the container on top of `stack`. */
function pathOf(root: string, stack: readonly Frame[]): string {
  let path = root;
  for (let index = 1; index < stack.length; index++) path += segmentText(stack[index]!.segment!);
  return path;
}

/** The path of a child of the top container reached by `segment` (the root when `null`). */
function childPath(root: string, stack: readonly Frame[], segment: string | number | null): string {
  return segment === null ? root : pathOf(root, stack) + segmentText(segment);
}

function segmentText(segment: string | number): string {
  if (typeof segment === "number") return `[${segment}]`;
  return /^[A-Za-z_$][\w$]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
}
