/** The useful part of a failed storage call's error, safe to log at any level. */
export interface StorageErrorCause {
  /** One line: the driver's message (with its class name and code where they add something). */
  readonly text: string;
  /** The driver's error code (`ECONNREFUSED`, a SQLSTATE such as `57P01`, `SQLITE_BUSY`), if any. */
  readonly code: string | null;
}

/** How far down a `cause` chain to look. */
const MAX_DEPTH = 10;
/** Longest message kept: a driver message is one sentence; anything longer is not it. */
const MAX_LENGTH = 300;

/**
 * Finds the cause worth logging in a storage error. Query builders wrap the driver's error
 * in one whose message restates the whole statement (SQL text and parameters); the driver's
 * error, further down the `cause` chain, is the one that says what went wrong. So this takes
 * the innermost error that carries a `code`, else the innermost error, and keeps only the
 * first line of its message.
 */
export function storageErrorCause(error: unknown): StorageErrorCause {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < MAX_DEPTH && !chain.includes(current); current = causeOf(current)) {
    chain.push(current);
  }
  const chosen = chain.findLast((entry) => codeOf(entry) !== null) ?? chain.at(-1) ?? error;
  const code = codeOf(chosen);
  const message = messageOf(chosen);
  const name = chosen instanceof Error && chosen.name !== "Error" && !message.startsWith(chosen.name) ? `${chosen.name}: ` : "";
  const withCode = code !== null && !message.includes(code) ? (message ? `${message} (${code})` : code) : message;
  return { text: `${name}${withCode}` || "unknown error", code };
}

function causeOf(value: unknown): unknown {
  return typeof value === "object" && value !== null && "cause" in value ? (value as { cause?: unknown }).cause : undefined;
}

function codeOf(value: unknown): string | null {
  const code = typeof value === "object" && value !== null ? (value as { code?: unknown }).code : undefined;
  return typeof code === "string" && code !== "" ? code : null;
}

function messageOf(value: unknown): string {
  let message: string;
  if (value instanceof Error) {
    message = value.message;
    // Node reports a refused connection to every address of a host as an AggregateError with no message of its own.
    const inner: unknown = (value as { errors?: unknown }).errors;
    if (!message && Array.isArray(inner)) message = [...new Set(inner.map(messageOf).filter(Boolean))].join("; ");
  } else {
    message = typeof value === "string" ? value : String(value);
  }
  const [firstLine = ""] = message.split("\n", 1);
  return firstLine.length > MAX_LENGTH ? `${firstLine.slice(0, MAX_LENGTH)}…` : firstLine;
}
