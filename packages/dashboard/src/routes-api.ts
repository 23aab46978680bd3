/**
 * The JSON API: GET `api/overview`, `api/tasks` (the list's query parameters), `api/tasks/:id`;
 * POST `api/tasks/:id/retry|cancel|delete` and `api/bulk` (a JSON body), with the CSRF token
 * in the `X-CSRF-Token` header.
 */
import { listTasks, type TaskResult } from "@tasks/core";
import { ACTION_NAMES, ACTION_STATUSES, applyAction, applyBulk, recordAction, selectForBulk, type ActionName } from "./actions.js";
import { checkCsrfToken, checkSameOrigin, CSRF_HEADER, csrfToken } from "./csrf.js";
import { browsableBackend, readOverview, readTask } from "./data.js";
import { BadRequestError, DashboardHttpError } from "./errors.js";
import { encodeCursor, filterOf, parseListQuery } from "./query.js";
import { jsonResponse, readBody, type DashboardRequest } from "./request.js";

const TASK_PATH = /^\/api\/tasks\/([^/]+)$/;
const TASK_ACTION_PATH = /^\/api\/tasks\/([^/]+)\/(retry|cancel|delete)$/;

/** A task as the API writes it: every stored field but the lease internals. */
export function taskJson(task: TaskResult): Record<string, unknown> {
  return task.toJSON();
}

/** Answers an API route, or `null` when the path is not one. */
export async function routeApi(req: DashboardRequest): Promise<Response | null> {
  const { path } = req;
  const method = req.request.method;
  if (path === "/api/overview" && method === "GET") {
    return jsonResponse({ user: req.user.name, readOnly: req.options.readOnly, csrfToken: csrfToken(req.options.secret, req.user), backends: await readOverview(req.options) });
  }
  if (path === "/api/tasks" && method === "GET") return listRoute(req);
  const task = TASK_PATH.exec(path);
  if (task && method === "GET") {
    const backend = browsableBackend(req.options, req.url.searchParams.get("backend"));
    return jsonResponse({ task: taskJson(await readTask(decodeURIComponent(task[1]!), backend)) });
  }
  const taskAction = TASK_ACTION_PATH.exec(path);
  if (taskAction && method === "POST") return actionRoute(req, decodeURIComponent(taskAction[1]!), taskAction[2] as ActionName);
  if (path === "/api/bulk" && method === "POST") return bulkRoute(req);
  return null;
}

async function listRoute(req: DashboardRequest): Promise<Response> {
  const query = parseListQuery(req.url.searchParams);
  const backend = browsableBackend(req.options, query.backend);
  const limitText = req.url.searchParams.get("limit");
  const limit = limitText === null || limitText === "" ? req.options.pageSize : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new BadRequestError("limit", `must be a whole number from 1 to 500 (got ${JSON.stringify(limitText)}).`);
  const page = await listTasks({ backend, ...filterOf(query), order: query.order, direction: query.direction, limit, after: query.cursor });
  return jsonResponse({ backend, tasks: page.tasks.map(taskJson), next: page.next ? encodeCursor(page.next) : null });
}

function apiGate(req: DashboardRequest): void {
  if (req.options.readOnly) {
    throw new DashboardHttpError(403, "Read-only dashboard", "This dashboard is read-only (readOnly: true): tasks cannot be retried, cancelled or deleted here.");
  }
  checkSameOrigin(req.request, req.url);
  checkCsrfToken(req.options.secret, req.user, req.request.headers.get(CSRF_HEADER), `${CSRF_HEADER} header`);
}

async function actionRoute(req: DashboardRequest, id: string, action: ActionName): Promise<Response> {
  apiGate(req);
  const backend = browsableBackend(req.options, req.url.searchParams.get("backend"));
  const task = await readTask(id, backend);
  const changed = ACTION_STATUSES[action].includes(task.status) ? await applyAction(action, backend, [task.id]) : [];
  await recordAction(req.options, req.user, action, backend, [task.id], changed, false);
  return jsonResponse({ action, backend, ids: [task.id], count: changed.length, changed });
}

/** The bulk body's fields, as list query parameters (arrays allowed where the list takes several). */
const BULK_FIELDS = ["backend", "status", "queue", "task", "id", "arg", "from", "until", "order", "dir"] as const;

async function bulkRoute(req: DashboardRequest): Promise<Response> {
  apiGate(req);
  const type = req.request.headers.get("content-type") ?? "";
  if (!type.startsWith("application/json")) throw new DashboardHttpError(415, "Unsupported body", `Send the bulk action as application/json (got ${JSON.stringify(type)}).`);
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req.request));
  } catch {
    throw new BadRequestError("body", 'is not JSON; send an object such as {"action":"retry","backend":"default","status":["FAILED"]}.');
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new BadRequestError("body", 'must be a JSON object such as {"action":"retry","status":["FAILED"]}.');
  const fields = body as Record<string, unknown>;
  const action = fields.action;
  if (typeof action !== "string" || !ACTION_NAMES.includes(action as ActionName)) {
    throw new BadRequestError("action", `must be one of ${ACTION_NAMES.join(", ")} (got ${JSON.stringify(action) ?? "nothing"}).`);
  }
  const unknown = Object.keys(fields).filter((key) => key !== "action" && !(BULK_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new BadRequestError(unknown[0]!, `is not a bulk field; use action and ${BULK_FIELDS.join(", ")}.`);
  const params = new URLSearchParams();
  for (const name of BULK_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean") throw new BadRequestError(name, "must be a string, a number, a boolean, or an array of them.");
      params.append(name, String(item));
    }
  }
  const query = parseListQuery(params);
  const backend = browsableBackend(req.options, query.backend);
  const selection = await selectForBulk(action as ActionName, backend, { ...query, cursor: null }, req.options.bulkLimit);
  if (selection.overLimit) {
    throw new DashboardHttpError(400, "Too many tasks", `The filter selects more than ${req.options.bulkLimit} tasks that ${action} applies to; narrow it (a queue, a task name or a time range) and try again. Nothing was changed.`);
  }
  const changed = await applyBulk(action as ActionName, backend, selection.ids);
  await recordAction(req.options, req.user, action as ActionName, backend, selection.ids, changed, true);
  return jsonResponse({ action, backend, selected: selection.ids.length, count: changed.length });
}
