import * as crypto from "node:crypto";
import { canonicalJson, type JsonValue } from "./json.js";

// One-shot hashing (Node ≥ 20.12) is about 3× cheaper than a Hash object per task, which
// shows in bulk enqueues; older Node 20 releases fall back to createHash.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

/** Hash of a task name and its arguments: equal for equal arguments, whatever the key order. */
export function identityHash(taskName: string, args: readonly JsonValue[]): string {
  return identityHashOfJson(taskName, canonicalJson(args as JsonValue[]));
}

/**
 * {@link identityHash} from the arguments' canonical JSON text (`canonicalJson(args)`), for
 * callers that already made it: enqueue measures the arguments' size on the same text.
 */
export function identityHashOfJson(taskName: string, argsJson: string): string {
  const text = `${taskName}\u0000${argsJson}`;
  return oneShot ? oneShot("sha256", text, "hex") : crypto.createHash("sha256").update(text).digest("hex");
}
