/** The HTML routes: overview, list, detail, and the confirm and do steps of every action. */
import { listTasks } from "@tasks/core";
import { ACTION_STATUSES, applyAction, applyBulk, recordAction, selectForBulk, type ActionName } from "./actions.js";
import { checkCsrfToken, checkSameOrigin, CSRF_FIELD } from "./csrf.js";
import { browsableBackend, dashboardBackends, readOverview, readTask } from "./data.js";
import { DashboardHttpError } from "./errors.js";
import { actionDonePage, confirmBulkPage, confirmTaskPage } from "./pages/confirm.js";
import { taskDetailPage } from "./pages/detail.js";
import { href } from "./pages/layout.js";
import { overviewPage } from "./pages/overview.js";
import { taskListPage } from "./pages/tasks.js";
import { filterOf, listQueryString, parseListQuery } from "./query.js";
import { htmlResponse, readForm, type DashboardRequest } from "./request.js";

const TASK_PATH = /^\/tasks\/([^/]+)$/;
const TASK_ACTION_PATH = /^\/tasks\/([^/]+)\/(retry|cancel|delete)$/;
const BULK_PATH = /^\/bulk\/(retry|cancel|delete)$/;

/** Answers an HTML route, or `null` when the path is not one. */
export async function routeHtml(req: DashboardRequest): Promise<Response | null> {
  const { path } = req;
  const method = req.request.method;
  if (path === "/" && method === "GET") return htmlResponse(overviewPage(req.page, await readOverview(req.options)));
  if (path === "/tasks" && method === "GET") return listPage(req);
  const task = TASK_PATH.exec(path);
  if (task && method === "GET") {
    const backend = browsableBackend(req.options, req.url.searchParams.get("backend"));
    return htmlResponse(taskDetailPage(req.page, await readTask(decodeURIComponent(task[1]!), backend)));
  }
  const taskAction = TASK_ACTION_PATH.exec(path);
  if (taskAction && (method === "GET" || method === "POST")) {
    return taskActionRoute(req, decodeURIComponent(taskAction[1]!), taskAction[2] as ActionName);
  }
  const bulk = BULK_PATH.exec(path);
  if (bulk && (method === "GET" || method === "POST")) return bulkRoute(req, bulk[1] as ActionName);
  return null;
}

async function listPage(req: DashboardRequest): Promise<Response> {
  const query = parseListQuery(req.url.searchParams);
  const backend = browsableBackend(req.options, query.backend);
  const { tasks, next } = await listTasks({
    backend,
    ...filterOf(query),
    order: query.order,
    direction: query.direction,
    limit: req.options.pageSize,
    after: query.cursor,
  });
  // A search can stop before the page is full (TaskPage in the backend contract); say where.
  const searchStopped = next !== null && tasks.length < req.options.pageSize;
  return htmlResponse(taskListPage(req.page, { backend, backends: dashboardBackends(req.options), query, tasks, next, searchStopped }));
}

/** Refuses every action in read-only mode, and POSTs without a valid CSRF token or from another origin. */
async function actionGate(req: DashboardRequest): Promise<URLSearchParams | null> {
  if (req.options.readOnly) {
    throw new DashboardHttpError(403, "Read-only dashboard", "This dashboard is read-only (readOnly: true): tasks cannot be retried, cancelled or deleted here.");
  }
  if (req.request.method !== "POST") return null;
  checkSameOrigin(req.request, req.url);
  const form = await readForm(req.request);
  checkCsrfToken(req.options.secret, req.user, form.get(CSRF_FIELD), `form field "${CSRF_FIELD}"`);
  return form;
}

async function taskActionRoute(req: DashboardRequest, id: string, action: ActionName): Promise<Response> {
  const form = await actionGate(req);
  const backend = browsableBackend(req.options, (form ?? req.url.searchParams).get("backend"));
  const task = await readTask(id, backend);
  const detail = href(req.page, `/tasks/${task.id}`, new URLSearchParams({ backend }).toString());
  if (!form) {
    if (!ACTION_STATUSES[action].includes(task.status)) {
      throw new DashboardHttpError(409, `Cannot ${action} this task`, `Task ${task.id} is ${task.status}; ${action} applies only to ${ACTION_STATUSES[action].join(" or ")} tasks.`);
    }
    return htmlResponse(confirmTaskPage(req.page, action, backend, task.id, task.taskName, task.status));
  }
  // A task no longer in a status the action applies to is left alone and counted as skipped.
  const changed = ACTION_STATUSES[action].includes(task.status) ? await applyAction(action, backend, [task.id]) : [];
  await recordAction(req.options, req.user, action, backend, [task.id], changed, false);
  const back = action === "delete" && changed.length > 0 ? href(req.page, "/tasks", new URLSearchParams({ backend }).toString()) : detail;
  return htmlResponse(actionDonePage(req.page, action, changed.length, 1, back, action === "delete" && changed.length > 0 ? "« Back to the list" : "« Back to the task"));
}

async function bulkRoute(req: DashboardRequest, action: ActionName): Promise<Response> {
  const form = await actionGate(req);
  const query = parseListQuery(form ?? req.url.searchParams);
  const backend = browsableBackend(req.options, query.backend);
  const selection = await selectForBulk(action, backend, { ...query, cursor: null }, req.options.bulkLimit);
  if (!form || selection.overLimit) {
    return htmlResponse(confirmBulkPage(req.page, action, backend, query, selection.ids.length, selection.overLimit, req.options.bulkLimit), selection.overLimit && form ? 400 : 200);
  }
  const changed = await applyBulk(action, backend, selection.ids);
  await recordAction(req.options, req.user, action, backend, selection.ids, changed, true);
  return htmlResponse(actionDonePage(req.page, action, changed.length, selection.ids.length, href(req.page, "/tasks", listQueryString(query, backend)), "« Back to the list"));
}

