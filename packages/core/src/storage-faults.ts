/** Tells storage errors worth retrying (a lost connection) from ones no retry can fix. */
import { storageErrorCause } from "./worker/cause.js";

/** What kind of storage failure an error is. */
export type StorageFaultKind =
  /** The connection or server failed; the same call can succeed later (restart, network, lock, timeout). */
  | "transient"
  /** Retrying cannot help until someone changes something (a missing database or role, a refused password, an unknown URL scheme). */
  | "permanent"
  /** Anything else: a constraint violation, a bug, a task's own error. */
  | "other";

/** Error codes (Node, postgres.js, SQLite, ours) of a connection or server that failed and may come back. */
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "STORAGE_TIMEOUT",
  "STORAGE_FAULT",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down)
  "57P01",
  "57P02",
  "57P03",
  // too_many_connections; PgBouncer's query_wait_timeout arrives as 08P01 (protocol_violation)
  "53300",
]);

/** Codes of failures that only a change of configuration or schema can fix. */
const PERMANENT_CODES = new Set([
  // invalid_catalog_name (no such database), invalid_authorization_specification, invalid_password
  "3D000",
  "28000",
  "28P01",
  // insufficient_privilege, undefined_table
  "42501",
  "42P01",
  "ENOTFOUND",
  "ERR_INVALID_URL",
  "SQLITE_CANTOPEN",
  "SQLITE_NOTADB",
  "SQLITE_READONLY",
]);

/**
 * Classifies a failed storage call by the driver's error code (found as {@link storageErrorCause}
 * finds it: the innermost error in the `cause` chain that has one). Connection exceptions
 * (SQLSTATE class 08) and server shutdowns are transient; a missing database, role or table
 * and a refused password are permanent; everything else is "other".
 */
export function classifyStorageFault(error: unknown): StorageFaultKind {
  const { code } = storageErrorCause(error);
  if (code === null) return "other";
  if (TRANSIENT_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return "transient";
  if (PERMANENT_CODES.has(code)) return "permanent";
  return "other";
}
