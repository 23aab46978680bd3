/**
 * Driver error translation shared by both dialects. Errors are matched by their code
 * (Postgres SQLSTATE, postgres.js / Node socket codes, SQLite result codes), never by text.
 */

/** SQLSTATE codes after which the same statement may succeed when tried again. */
const TRANSIENT_SQLSTATES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "55P03", // lock_not_available
  "53300", // too_many_connections
  "57P01", // admin_shutdown (pg_terminate_backend)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
]);

/** Driver and socket codes for a connection that broke or could not be made. */
const TRANSIENT_CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
]);

/** SQLite result codes (primary or extended) for a database that is busy or locked. */
const TRANSIENT_SQLITE_PREFIXES = ["SQLITE_BUSY", "SQLITE_LOCKED"];

/** SQLSTATE and SQLite codes of a unique-constraint violation. */
const UNIQUE_VIOLATION_CODES = new Set(["23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);

/**
 * The driver code of `error` or of any error in its `cause` chain (Drizzle wraps driver
 * errors in its own query error): a SQLSTATE, a postgres.js or socket code, or a SQLite code.
 */
export function storageErrorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * Whether `error` is a storage failure worth retrying: a serialization failure or deadlock,
 * a lock timeout, a server shutting down or a broken connection (Postgres), or a busy or
 * locked database (SQLite). Workers use it to retry completions instead of dropping them.
 */
export function isTransientStorageError(error: unknown): boolean {
  return storageErrorCodes(error).some(
    (code) =>
      TRANSIENT_SQLSTATES.has(code) ||
      code.startsWith("08") || // connection_exception class
      TRANSIENT_CONNECTION_CODES.has(code) ||
      TRANSIENT_SQLITE_PREFIXES.some((prefix) => code.startsWith(prefix)),
  );
}

/** Whether `error` is a unique-constraint violation (Postgres 23505 or SQLite's code). */
export function isUniqueViolation(error: unknown): boolean {
  return storageErrorCodes(error).some((code) => UNIQUE_VIOLATION_CODES.has(code));
}

/**
 * Thrown inside an atomic task's transaction when the guarded SUCCESSFUL update matched no
 * row (the claim was lost), so the transaction rolls back. Never escapes the backend.
 */
export class ClaimLostRollback extends Error {
  constructor(readonly id: string) {
    super(`The claim on task ${id} was lost before its atomic transaction committed; rolling back.`);
    this.name = "ClaimLostRollback";
  }
}
