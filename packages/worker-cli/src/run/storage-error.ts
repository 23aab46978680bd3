/** A Postgres SQLSTATE: five digits or capitals, at least one a digit (socket codes such as EPIPE have none). */
const SQLSTATE = /^(?=.*\d)[0-9A-Z]{5}$/;
/** A socket or system error code (`ECONNREFUSED`, `ENOTFOUND`, `EAI_AGAIN`), not one of Node's own `ERR_*` codes. */
const ERRNO = /^E(?!RR_)[A-Z][A-Z0-9_]+$/;
/** Codes postgres.js sets on its own connection errors. */
const POSTGRES_JS_CODES: ReadonlySet<string> = new Set(["CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "AUTH_TYPE_NOT_IMPLEMENTED", "SASL_SIGNATURE_MISMATCH"]);
/** Drizzle's error classes that wrap a driver error and quote the SQL. */
const QUERY_WRAPPERS: ReadonlySet<string> = new Set(["DrizzleQueryError", "DrizzleError"]);
/** Error classes of the drivers and of Drizzle's wrappers around them. */
const STORAGE_CLASSES: ReadonlySet<string> = new Set(["PostgresError", "SqliteError", ...QUERY_WRAPPERS]);
/** The SQLSTATE of a missing table (undefined_table). */
const MISSING_TABLE_SQLSTATE = "42P01";

interface ErrorLink {
  readonly error: Error;
  readonly code: string | undefined;
}

/**
 * One line describing a storage failure in `error`'s `cause` chain, or `null` when nothing in
 * the chain comes from a database driver or socket. Drizzle wraps driver errors in
 * "Failed query: <SQL> params: …" errors; the line names the innermost driver error instead,
 * so no SQL, parameters or stack reach the terminal.
 */
export function describeStorageError(error: unknown): string | null {
  const chain = causeChain(error);
  if (!chain.some(isStorageLink)) return null;
  // Drizzle's wrappers carry the SQL text in their message: name the driver error under them.
  const root = chain.filter((link) => isStorageLink(link) && !isQueryWrapper(link)).at(-1);
  if (!root) return "a database query failed, and the driver gave no reason";
  const message = firstLine(root.error.message);
  const code = root.code !== undefined && !message.includes(root.code) ? ` (${root.code})` : "";
  return `${message}${code}`;
}

/** What to do about the storage failure `error`: migrate for missing tables, else check the connection. */
export function storageErrorHint(error: unknown): string {
  const chain = causeChain(error);
  // SQLite reports a missing table only as SQLITE_ERROR, so its text is the one thing to go by.
  if (chain.some((link) => link.code === MISSING_TABLE_SQLSTATE || /^no such table: tasks_/.test(link.error.message))) {
    return "Create the task tables with `tasks migrate`.";
  }
  return "Check that the database is running and reachable with the connection settings in your tasks config.";
}

function causeChain(error: unknown): ErrorLink[] {
  const links: ErrorLink[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    links.push({ error: current, code: typeof code === "string" ? code : undefined });
    current = current.cause;
  }
  return links;
}

function isStorageLink(link: ErrorLink): boolean {
  if (STORAGE_CLASSES.has(link.error.constructor.name) || STORAGE_CLASSES.has(link.error.name)) return true;
  const { code } = link;
  return code !== undefined && (SQLSTATE.test(code) || ERRNO.test(code) || code.startsWith("SQLITE_") || POSTGRES_JS_CODES.has(code));
}

function isQueryWrapper(link: ErrorLink): boolean {
  return QUERY_WRAPPERS.has(link.error.constructor.name) || /^Failed (query|to run the query)/.test(link.error.message);
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.trim() === "" ? "(no message)" : line.trim();
}
