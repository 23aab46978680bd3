/** The task list page: filter form, one row per task, keyset paging links and bulk actions. */
import { ALL_STATUSES, type TaskListCursor, type TaskResult } from "@tasks/core";
import { idTimeMs } from "@tasks/core/backend";
import { html, type SafeHtml } from "../html.js";
import { ACTION_NAMES } from "../actions.js";
import type { BackendInfo } from "../data.js";
import { listQueryString, type ListQuery } from "../query.js";
import { formatDate, href, layout, statusBadge, type PageContext } from "./layout.js";

/** What the list page shows. */
export interface TaskListView {
  readonly backend: string;
  readonly backends: readonly BackendInfo[];
  readonly query: ListQuery;
  readonly tasks: readonly TaskResult[];
  readonly next: TaskListCursor | null;
  /** The page is short but `next` is set: the argument search stopped where `next` points. */
  readonly searchStopped: boolean;
}

const ARGS_PREVIEW = 120;

/** The task list page. */
export function taskListPage(context: PageContext, view: TaskListView): SafeHtml {
  const { query, backend } = view;
  const listLink = (cursor: TaskListCursor | null) => href(context, "/tasks", listQueryString(query, backend, cursor));
  const content = html`<h1>Tasks</h1>
${filterForm(context, view)}
${context.readOnly ? "" : html`<div class="actions" data-testid="bulk-actions">Every task this filter selects:
${ACTION_NAMES.map((action) => html`<a href="${href(context, `/bulk/${action}`, listQueryString(query, backend))}" data-testid="bulk-${action}">${action} all…</a>`)}</div>`}
${view.tasks.length === 0
  ? html`<p class="muted" data-testid="no-results">No task matches this filter${query.cursor ? " on this page" : ""}.</p>`
  : html`<table data-testid="task-table"><thead><tr><th>Id</th><th>Task</th><th>Queue</th><th>Status</th><th class="num">Attempts</th><th>Enqueued</th><th>Finished</th><th>Arguments</th></tr></thead><tbody>
${view.tasks.map((task) => row(context, backend, task))}
</tbody></table>`}
${view.searchStopped && view.next ? searchStoppedNote(query, view.next) : ""}
<p class="actions">${query.cursor ? html`<a href="${listLink(null)}" data-testid="first-page">« First page</a>` : ""}
${view.next ? html`<a href="${listLink(view.next)}" data-testid="next-page" rel="next">Next page »</a>` : html`<span class="muted" data-testid="last-page">Last page</span>`}</p>`;
  return layout(context, "Tasks", content);
}

/** Where a search stopped before filling the page, and that the next page goes on. */
function searchStoppedNote(query: ListQuery, next: TaskListCursor): SafeHtml {
  // An enqueue-order cursor holds only an id, whose time prefix is its enqueue time.
  const at = query.order === "finished" && next.finishedAt ? next.finishedAt : new Date(idTimeMs(next.id));
  const what = query.order === "finished" ? "finished" : "enqueued";
  return html`<p class="muted" data-testid="search-stopped">The argument search read as many tasks as one page may without filling it, and stopped at tasks ${what} ${formatDate(at)}. Next page goes on from there.</p>`;
}

function row(context: PageContext, backend: string, task: TaskResult): SafeHtml {
  const args = JSON.stringify(task.args);
  const preview = args.length > ARGS_PREVIEW ? `${args.slice(0, ARGS_PREVIEW)}…` : args;
  return html`<tr data-testid="task-row" data-task-id="${task.id}" data-status="${task.status}">
<td><a href="${href(context, `/tasks/${task.id}`, new URLSearchParams({ backend }).toString())}" data-testid="task-link"><code>${task.id}</code></a></td>
<td data-testid="task-name">${task.taskName}</td><td>${task.queueName}</td><td>${statusBadge(task.status)}</td>
<td class="num">${task.attempts}/${task.maxAttempts}</td><td>${formatDate(task.enqueuedAt)}</td><td>${formatDate(task.finishedAt)}</td>
<td><code data-testid="task-args">${preview}</code></td></tr>`;
}

function filterForm(context: PageContext, view: TaskListView): SafeHtml {
  const { query } = view;
  const browsable = view.backends.filter((backend) => backend.browsable);
  return html`<form class="filters" method="get" action="${href(context, "/tasks")}" data-testid="filter-form">
<label>Backend<select name="backend" data-testid="filter-backend">${browsable.map((backend) => html`<option value="${backend.alias}"${backend.alias === view.backend ? html` selected` : ""}>${backend.alias}</option>`)}</select></label>
<fieldset data-testid="filter-status"><legend class="muted">Status</legend>${ALL_STATUSES.map((status) => html`<label style="display:inline"><input type="checkbox" name="status" value="${status}" data-testid="filter-status-${status}"${query.statuses.includes(status) ? html` checked` : ""}> ${status}</label> `)}</fieldset>
<label>Queue<input name="queue" value="${query.queues.join(",")}" placeholder="any (comma-separated)" data-testid="filter-queue"></label>
<label>Task name<input name="task" value="${query.taskNames.join(",")}" placeholder="any (comma-separated)" data-testid="filter-task"></label>
<label>Id<input name="id" value="${query.id ?? ""}" placeholder="task id" size="38" data-testid="filter-id"></label>
<label>Argument value<input name="arg" value="${query.argText}" placeholder='42, true, text or "42"' title="Only failed and cancelled tasks are indexed for this search (Postgres). With successful tasks included, a page reads at most 50,000 of them and may stop short: Next page goes on. A rare value is found sooner inside a time range." data-testid="filter-arg"></label>
<label>From (UTC)<input name="from" value="${query.from?.toISOString() ?? ""}" placeholder="2026-01-31T14:00" data-testid="filter-from"></label>
<label>Until (UTC)<input name="until" value="${query.until?.toISOString() ?? ""}" placeholder="2026-01-31T15:00" data-testid="filter-until"></label>
<label>Order<select name="order" data-testid="filter-order"><option value="enqueued"${query.order === "enqueued" ? html` selected` : ""}>enqueue time</option><option value="finished"${query.order === "finished" ? html` selected` : ""}>finish time (finished only)</option></select></label>
<label>Direction<select name="dir" data-testid="filter-dir"><option value="desc"${query.direction === "desc" ? html` selected` : ""}>newest first</option><option value="asc"${query.direction === "asc" ? html` selected` : ""}>oldest first</option></select></label>
<button type="submit" data-testid="filter-submit">Apply</button> <a href="${href(context, "/tasks", new URLSearchParams({ backend: view.backend }).toString())}" data-testid="filter-reset">Reset</a>
</form>`;
}
