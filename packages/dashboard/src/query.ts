/**
 * The task list's query string: filters, order and page, parsed with a 400 for anything that
 * cannot be used, and written back into links. The same parameters serve the HTML list, the
 * JSON API and bulk actions.
 */
import { ALL_STATUSES, type ResultStatus, type TaskListCursor } from "@tasks/core";
import { BadRequestError } from "./errors.js";

/** A task list cursor as the core's `listTasks` takes it. */
export type ListCursor = TaskListCursor;

/** What a task list shows: the parsed query string. */
export interface ListQuery {
  /** Backend alias; `null` when the query names none (the first browsable alias is used). */
  readonly backend: string | null;
  readonly statuses: readonly ResultStatus[];
  readonly queues: readonly string[];
  readonly taskNames: readonly string[];
  /** The task id searched for; `null` for none. */
  readonly id: string | null;
  /** A value searched for inside the arguments; `null` for none. */
  readonly argsValue: string | number | boolean | null;
  /** The text of `arg` as given, for the filter form. */
  readonly argText: string;
  readonly from: Date | null;
  readonly until: Date | null;
  readonly order: "enqueued" | "finished";
  readonly direction: "asc" | "desc";
  readonly cursor: ListCursor | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
const MAX_VALUES = 50;

/** Whether `text` looks like a task id (a UUID). */
export function isTaskId(text: string): boolean {
  return UUID.test(text);
}

/** Throws a 400 naming `parameter` unless `text` is a task id. */
export function checkTaskId(text: string, parameter = "id"): string {
  if (!isTaskId(text)) {
    throw new BadRequestError(parameter, `${JSON.stringify(text.slice(0, 80))} is not a task id; task ids are UUIDs such as 0190f5a2-7c1e-7b3a-9d4e-2f1a3b4c5d6e.`);
  }
  return text.toLowerCase();
}

/** Every non-empty value of a repeated or comma-separated parameter. */
function values(params: URLSearchParams, name: string): string[] {
  const out = params
    .getAll(name)
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter((value) => value !== "");
  if (out.length > MAX_VALUES) throw new BadRequestError(name, `at most ${MAX_VALUES} values (got ${out.length}).`);
  return [...new Set(out)];
}

function single(params: URLSearchParams, name: string): string | null {
  const all = params.getAll(name).map((value) => value.trim()).filter((value) => value !== "");
  if (all.length > 1) throw new BadRequestError(name, `give it once (got ${all.length} values).`);
  return all[0] ?? null;
}

/** Parses a date parameter: ISO 8601, UTC when no zone is given. */
export function parseDate(text: string, parameter: string): Date {
  const hasTime = /[T ]/.test(text);
  const zoned = /(?:Z|[+-]\d{2}:\d{2})$/.test(text);
  const date = DATE.test(text) ? new Date(hasTime && !zoned ? `${text.replace(" ", "T")}Z` : text) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new BadRequestError(parameter, `${JSON.stringify(text.slice(0, 80))} is not a date; use ISO 8601 such as 2026-01-31 or 2026-01-31T14:05 (UTC unless a zone like Z or +02:00 is given).`);
  }
  return date;
}

/**
 * The value searched for in the arguments: `42` and `true` are a number and a boolean, text in
 * double quotes (`"42"`) is that string, anything else is the text as a string.
 */
export function parseArgsValue(text: string): string | number | boolean {
  if (text === "true") return true;
  if (text === "false") return false;
  if (/^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(text) && Number.isFinite(Number(text))) return Number(text);
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "string") return parsed;
    } catch {
      // Not a JSON string literal: search for the text itself, quotes included.
    }
  }
  return text;
}

/** The cursor as it travels in a URL: base64url of a small JSON object. */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify({ i: cursor.id, f: cursor.finishedAt?.toISOString() ?? null }), "utf8").toString("base64url");
}

/** Reads a cursor made by {@link encodeCursor}; a 400 for anything else. */
export function decodeCursor(text: string, order: "enqueued" | "finished"): ListCursor {
  const bad = () => new BadRequestError("cursor", 'is not a cursor from this dashboard; follow the "Next page" link, or remove the parameter to start from the first page.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!parsed || typeof parsed !== "object") throw bad();
  const { i, f } = parsed as { i?: unknown; f?: unknown };
  if (typeof i !== "string" || !isTaskId(i)) throw bad();
  if (order === "finished") {
    if (typeof f !== "string" || Number.isNaN(Date.parse(f))) {
      throw new BadRequestError("cursor", 'belongs to a list in enqueue order, not finish order; remove "cursor" to start from the first page.');
    }
    return { id: i, finishedAt: new Date(f) };
  }
  if (f !== null) throw new BadRequestError("cursor", 'belongs to a list in finish order, not enqueue order; remove "cursor" to start from the first page.');
  return { id: i, finishedAt: null };
}

/** Parses the list query string; throws {@link BadRequestError} naming the first bad parameter. */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const statuses = values(params, "status").map((status) => status.toUpperCase());
  for (const status of statuses) {
    if (!ALL_STATUSES.includes(status as ResultStatus)) {
      throw new BadRequestError("status", `${JSON.stringify(status.slice(0, 40))} is not a status; use one or more of ${ALL_STATUSES.join(", ")}.`);
    }
  }
  const order = single(params, "order") ?? "enqueued";
  if (order !== "enqueued" && order !== "finished") throw new BadRequestError("order", `must be "enqueued" or "finished" (got ${JSON.stringify(order.slice(0, 40))}).`);
  const direction = single(params, "dir") ?? "desc";
  if (direction !== "asc" && direction !== "desc") throw new BadRequestError("dir", `must be "asc" or "desc" (got ${JSON.stringify(direction.slice(0, 40))}).`);
  const id = single(params, "id");
  const argText = single(params, "arg") ?? "";
  const from = single(params, "from");
  const until = single(params, "until");
  const cursor = single(params, "cursor");
  const query: ListQuery = {
    backend: single(params, "backend"),
    statuses: statuses as ResultStatus[],
    queues: values(params, "queue"),
    taskNames: values(params, "task"),
    id: id === null ? null : checkTaskId(id),
    argsValue: argText === "" ? null : parseArgsValue(argText),
    argText,
    from: from === null ? null : parseDate(from, "from"),
    until: until === null ? null : parseDate(until, "until"),
    order,
    direction,
    cursor: cursor === null ? null : decodeCursor(cursor, order),
  };
  if (query.from && query.until && query.from.getTime() >= query.until.getTime()) {
    throw new BadRequestError("until", `must be after "from" (${query.from.toISOString()}); got ${query.until.toISOString()}.`);
  }
  return query;
}

/** The query string for a list (without the cursor unless given), for links and forms. */
export function listQueryString(query: ListQuery, backend: string, cursor: ListCursor | null = null): string {
  const params = new URLSearchParams();
  params.set("backend", backend);
  for (const status of query.statuses) params.append("status", status);
  for (const queue of query.queues) params.append("queue", queue);
  for (const name of query.taskNames) params.append("task", name);
  if (query.id) params.set("id", query.id);
  if (query.argText) params.set("arg", query.argText);
  if (query.from) params.set("from", query.from.toISOString());
  if (query.until) params.set("until", query.until.toISOString());
  params.set("order", query.order);
  params.set("dir", query.direction);
  if (cursor) params.set("cursor", encodeCursor(cursor));
  return params.toString();
}

/** The filter part of a list query, as the core's `listTasks` takes it. */
export function filterOf(query: ListQuery, statuses: readonly ResultStatus[] = query.statuses) {
  return {
    ...(statuses.length > 0 ? { statuses } : {}),
    ...(query.queues.length > 0 ? { queues: query.queues } : {}),
    ...(query.taskNames.length > 0 ? { taskNames: query.taskNames } : {}),
    ...(query.id ? { ids: [query.id] } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.until ? { until: query.until } : {}),
    ...(query.argsValue !== null ? { argsValue: query.argsValue } : {}),
  };
}
