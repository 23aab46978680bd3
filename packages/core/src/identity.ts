import { createHash } from "node:crypto";
import { canonicalJson, type JsonValue } from "./json.js";

/** Hash of a task name and its arguments: equal for equal arguments, whatever the key order. */
export function identityHash(taskName: string, args: readonly JsonValue[]): string {
  return createHash("sha256").update(taskName).update("\u0000").update(canonicalJson(args as JsonValue[])).digest("hex");
}
