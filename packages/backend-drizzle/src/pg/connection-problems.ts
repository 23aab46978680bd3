/**
 * Turns the error of a failed Postgres check into the problem `verify()` reports, by driver
 * code (SQLSTATE, postgres.js or socket code), never by message text. Every message names
 * the server (and database or user where it matters) and what to do; none shows a password.
 */
import { storageErrorCodes } from "../shared/errors.js";
import type { StorageProblem } from "../shared/storage-check.js";
import { scrub, type PostgresTarget } from "./target.js";

const HOST_NOT_FOUND = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"]);
const NO_ROUTE = new Set(["EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN"]);
const TIMED_OUT = new Set(["CONNECT_TIMEOUT", "ETIMEDOUT"]);
/** A SQLSTATE: five digits or capitals, at least one a digit (socket codes such as EPIPE have none). */
const SQLSTATE = /^(?=.*\d)[0-9A-Z]{5}$/;
const CLOSED = new Set(["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "ECONNRESET", "EPIPE", "57P01", "57P02", "57P03"]);

/** The problem for `error`, or null when its codes say nothing about reaching or using the database. */
export function connectionProblem(error: unknown, target: PostgresTarget): StorageProblem | null {
  const codes = storageErrorCodes(error);
  const has = (set: ReadonlySet<string>) => codes.find((code) => set.has(code));
  const at = `Postgres at ${target.address}`;
  const user = target.user === null ? "the configured user" : `user "${target.user}"`;
  const database = target.database === null ? "the configured database" : `database "${target.database}"`;
  let code: string | undefined;
  if (codes.includes("ECONNREFUSED")) {
    return unreachable(`Cannot connect to ${at}: connection refused. Is the server running, and are host and port right?`);
  }
  if ((code = has(HOST_NOT_FOUND))) {
    const hosts = target.hosts.length > 0 ? target.hosts.map((host) => `"${host}"`).join(", ") : "the configured host";
    return unreachable(`Cannot connect to ${at}: the host name ${hosts} was not found (${code}). Is the host name right, and does DNS resolve it from here?`);
  }
  if ((code = has(TIMED_OUT))) {
    return unreachable(`Cannot connect to ${at}: the connection timed out (${code}). Is the host right and the server running, and does a firewall let the connection through?`);
  }
  if ((code = has(NO_ROUTE))) {
    return unreachable(`Cannot connect to ${at}: there is no route to the host (${code}). Is the host right, and is its network reachable from here?`);
  }
  if ((code = has(CLOSED) ?? codes.find((candidate) => candidate.startsWith("08")))) {
    return unreachable(`Cannot connect to ${at}: the connection was closed before the check finished (${code}). Is the server running (and not restarting), and is it a Postgres server?`);
  }
  if (codes.includes("53300")) {
    return unreachable(`${at} refused the connection because it has too many connections (53300). Raise its max_connections or make the connection pools smaller.`);
  }
  if (codes.includes("3D000")) {
    return {
      ok: false,
      problem: "no-database",
      message: `${at} has no ${database} (3D000). Create it (CREATE DATABASE ${target.database === null ? "<name>" : `"${target.database}"`}) or fix the database name in the connection settings.`,
    };
  }
  if (codes.includes("28P01")) {
    return accessDenied(`${at} refused the password for ${user} (28P01). Check the user name and password in the connection settings.`);
  }
  if ((code = codes.find((candidate) => candidate.startsWith("28")))) {
    return accessDenied(
      `${at} does not let ${user} connect to ${database} (${code}: ${serverMessage(error, target)}). Check the user name, and the server's login rules (pg_hba.conf, the role's LOGIN attribute, SSL).`,
    );
  }
  if (codes.includes("42501")) {
    return accessDenied(
      `${capitalize(user)} lacks a privilege the task tables need in ${database} on ${at} (42501: ${serverMessage(error, target)}). Grant it, or connect as the user that owns the task tables.`,
    );
  }
  return null;
}

/** The problem when the check got no answer within `timeoutMs`. */
export function noAnswer(target: PostgresTarget, timeoutMs: number): StorageProblem {
  const seconds = timeoutMs / 1000;
  return unreachable(
    `Cannot connect to Postgres at ${target.address}: no answer within ${seconds} ${seconds === 1 ? "second" : "seconds"}. Is the host right and the server running, and does a firewall let the connection through?`,
  );
}

/** The first server (SQLSTATE) message in `error`'s cause chain, scrubbed of passwords. */
export function serverMessage(error: unknown, target: PostgresTarget): string {
  let current: unknown = error;
  const seen = new Set<unknown>();
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && SQLSTATE.test(code) && typeof message === "string") return scrub(message, target);
    current = (current as { cause?: unknown }).cause;
  }
  return "no server message";
}

function unreachable(message: string): StorageProblem {
  return { ok: false, problem: "unreachable", message };
}

function accessDenied(message: string): StorageProblem {
  return { ok: false, problem: "access-denied", message };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
