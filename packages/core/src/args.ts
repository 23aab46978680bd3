/** The checks enqueue runs on a task's arguments before anything reaches storage. */
import { Buffer } from "node:buffer";
import { InvalidTaskError } from "./errors.js";
import { inspectJson } from "./json-inspect.js";
import { adviceFor, canonicalJson, type JsonValue } from "./json.js";
import { formatNumber, MAX_ARGS_BYTES_BOUNDS, MAX_JSON_DEPTH } from "./limits.js";

/** Where the byte limit comes from, for the error message. */
export interface ArgsLimit {
  /** The backend alias whose `maxArgsBytes` applies. */
  readonly alias: string;
  readonly maxArgsBytes: number;
}

/**
 * Checks `args` for enqueue in one pass (JSON values only, no NUL or lone surrogate in any
 * string or key, at most {@link MAX_JSON_DEPTH} levels per argument), then measures the UTF-8
 * JSON against `limit.maxArgsBytes`. Returns the canonical JSON text of `args`, which the
 * identity hash reuses, so the arguments are serialized once. Throws {@link InvalidTaskError}.
 */
export function checkArgsForEnqueue(args: readonly unknown[], taskName: string, limit: ArgsLimit): string {
  const max = limit.maxArgsBytes;
  const problem = inspectJson(args, "args", { maxDepth: MAX_JSON_DEPTH, listOfValues: true, maxBytes: max });
  if (problem?.kind === "size") throw tooLarge(taskName, `at least ${formatNumber(problem.bytes ?? max + 1)}`, limit);
  if (problem) throw new InvalidTaskError(`Task "${taskName}" cannot be enqueued: ${problem.text}. ${adviceFor(problem)}`);
  const text = canonicalJson(args as JsonValue[]);
  // UTF-8 takes at least one byte per UTF-16 code unit and at most three: measure only when unsure.
  if (text.length > max || (text.length * 3 > max && Buffer.byteLength(text, "utf8") > max)) {
    throw tooLarge(taskName, formatNumber(Buffer.byteLength(text, "utf8")), limit);
  }
  return text;
}

function tooLarge(taskName: string, size: string, limit: ArgsLimit): InvalidTaskError {
  return new InvalidTaskError(
    `Task "${taskName}" cannot be enqueued: its arguments take ${size} bytes as JSON, more than the ${formatNumber(limit.maxArgsBytes)} bytes ` +
      `backend "${limit.alias}" allows (its maxArgsBytes setting). Store large data elsewhere (a file, a table, object storage) and pass its id, ` +
      `or raise maxArgsBytes (at most ${formatNumber(MAX_ARGS_BYTES_BOUNDS.max)}).`,
  );
}
