/** The overview page: per backend alias, live counts and last hour's finished counts by queue, ages, throughput, workers, schedules. */
import { html, type SafeHtml } from "../html.js";
import { FINISHED_STATUSES, type BackendOverview } from "../data.js";
import { throughputChart } from "./chart.js";
import { formatDate, formatDuration, href, layout, statusBadge, type PageContext } from "./layout.js";

/** The overview page for every backend the dashboard shows. */
export function overviewPage(context: PageContext, overviews: readonly BackendOverview[]): SafeHtml {
  const content = html`<h1>Overview</h1>
${overviews.length === 0 ? html`<p class="muted" data-testid="no-backends">No backend is configured; call configureTasks() before serving the dashboard.</p>` : ""}
${overviews.map((overview) => backendSection(context, overview))}`;
  return layout(context, "Overview", content);
}

const LIVE_STATUSES = ["READY", "RUNNING"] as const;

function backendSection(context: PageContext, overview: BackendOverview): SafeHtml {
  const heading = html`<h2>Backend <code>${overview.alias}</code> <span class="muted">(${overview.kind})</span></h2>`;
  if (!overview.browsable) {
    return html`<section data-testid="backend" data-backend="${overview.alias}">${heading}
<p class="muted" data-testid="no-browse">No browse support: this backend cannot list stored tasks (capabilities.supportsBrowse is false), so the dashboard does not show it.</p></section>`;
  }
  if (overview.error !== null || overview.health === null || overview.throughput === null) {
    return html`<section data-testid="backend" data-backend="${overview.alias}">${heading}
<p class="error" data-testid="backend-error">Could not read this backend: ${overview.error ?? "no report"}</p></section>`;
  }
  const health = overview.health;
  return html`<section data-testid="backend" data-backend="${overview.alias}">${heading}
${countsTable(context, overview)}
<p>Oldest runnable READY task: <strong data-testid="oldest-ready-age" data-backend="${overview.alias}">${formatDuration(health.oldestReadyAgeMs)}</strong></p>
${overview.throughput ? throughputChart(overview.throughput, `throughput-${overview.alias}`) : ""}
<h3>Live workers (${health.workers.length})</h3>
${health.workers.length === 0
  ? html`<p class="muted" data-testid="no-workers">No live worker: nothing runs READY tasks of this backend.</p>`
  : html`<table><thead><tr><th>Worker</th><th>Last seen</th><th>Lease until</th><th>Task names</th></tr></thead><tbody>
${health.workers.map((worker) => html`<tr data-testid="worker-row" data-worker-id="${worker.workerId}"><td><code>${worker.workerId}</code></td><td>${formatDate(worker.lastSeenAt)}</td><td>${formatDate(worker.expiresAt)}</td><td>${worker.taskNames === null ? html`<span class="muted">any</span>` : worker.taskNames.join(", ")}</td></tr>`)}
</tbody></table>`}
${health.unrunnable.length === 0 ? "" : html`<h3>Waiting for a worker that knows the task</h3><table><thead><tr><th>Task</th><th>Queue</th><th class="num">READY</th></tr></thead><tbody>
${health.unrunnable.map((entry) => html`<tr data-testid="unrunnable-row"><td>${entry.taskName}</td><td>${entry.queueName}</td><td class="num">${entry.count}</td></tr>`)}</tbody></table>`}
${recentFailures(context, overview)}
${schedules(overview)}
</section>`;
}

function countsTable(context: PageContext, overview: BackendOverview): SafeHtml {
  const hour = overview.throughput!;
  const allFinished = href(context, "/tasks", new URLSearchParams({ backend: overview.alias, order: "finished" }).toString());
  const allFinishedLink = html`<p><a href="${allFinished}" data-testid="all-finished" data-backend="${overview.alias}">All finished tasks</a> <span class="muted">(newest first; <code>tasks status</code> counts them all)</span></p>`;
  if (overview.queues.length === 0) {
    return html`<p class="muted" data-testid="no-tasks" data-backend="${overview.alias}">No READY or RUNNING task, and none finished in the last hour.</p>${allFinishedLink}`;
  }
  const list = (queue: string, status?: string) => {
    const params = new URLSearchParams({ backend: overview.alias, queue });
    if (status) params.set("status", status);
    return href(context, "/tasks", params.toString());
  };
  // The same window the counts cover, in finish order, so the list shows exactly the counted tasks (and any finished since).
  const finishedList = (queue: string, status: string) =>
    href(context, "/tasks", new URLSearchParams({ backend: overview.alias, queue, status, from: hour.since.toISOString(), order: "finished" }).toString());
  const since = hour.since.toISOString().slice(11, 16);
  return html`<table data-testid="counts" data-backend="${overview.alias}"><caption>READY and RUNNING: now. SUCCESSFUL, FAILED, CANCELLED: finished in the last hour (since ${since} UTC).</caption>
<thead><tr><th>Queue</th>${LIVE_STATUSES.map((status) => html`<th class="num">${status}</th>`)}<th class="num">Oldest READY</th>${FINISHED_STATUSES.map((status) => html`<th class="num">${status}<br><span class="muted">last hour</span></th>`)}</tr></thead><tbody>
${overview.queues.map((row) => html`<tr data-testid="queue-row" data-queue="${row.queueName}"><td><a href="${list(row.queueName)}">${row.queueName}</a></td>
${LIVE_STATUSES.map((status) => html`<td class="num" data-testid="count" data-backend="${overview.alias}" data-queue="${row.queueName}" data-status="${status}"><a href="${list(row.queueName, status)}">${row[status]}</a></td>`)}
<td class="num" data-testid="ready-age" data-queue="${row.queueName}">${formatDuration(row.oldestReadyAgeMs)}</td>
${FINISHED_STATUSES.map((status) => html`<td class="num" data-testid="count" data-backend="${overview.alias}" data-queue="${row.queueName}" data-status="${status}"><a href="${finishedList(row.queueName, status)}">${row.finishedInWindow[status]}</a></td>`)}</tr>`)}
</tbody></table>
${allFinishedLink}`;
}

function recentFailures(context: PageContext, overview: BackendOverview): SafeHtml {
  const failures = overview.health!.recentFailures;
  if (failures.length === 0) return html``;
  return html`<h3>Recent failures</h3><table><thead><tr><th>Finished</th><th>Task</th><th>Queue</th><th>Error</th></tr></thead><tbody>
${failures.map((failure) => html`<tr data-testid="failure-row" data-task-id="${failure.id}"><td>${formatDate(failure.finishedAt)}</td>
<td><a href="${href(context, `/tasks/${failure.id}`, new URLSearchParams({ backend: overview.alias }).toString())}">${failure.taskName}</a></td><td>${failure.queueName}</td>
<td>${failure.error ? `${failure.error.className}: ${failure.error.message}` : ""}</td></tr>`)}</tbody></table>`;
}

function schedules(overview: BackendOverview): SafeHtml {
  const overdue = overview.health!.overdueSchedules;
  const overdueList = overdue.length === 0
    ? html``
    : html`<div class="box error" data-testid="overdue-schedules"><strong>Overdue schedules:</strong><ul>
${overdue.map((entry) => html`<li data-testid="overdue-schedule" data-schedule="${entry.name}"><code>${entry.name}</code> (${entry.taskName}) due since ${formatDate(entry.dueAt)}, ${formatDuration(entry.overdueMs)} ago: no worker that declares it is running.</li>`)}</ul></div>`;
  if (overview.schedules.length === 0) return html`${overdueList}`;
  return html`<h3>Schedules</h3>${overdueList}<table><thead><tr><th>Name</th><th>Task</th><th>Cron</th><th>Next</th><th>Last enqueued for</th><th>Last status</th><th>Overdue</th></tr></thead><tbody>
${overview.schedules.map((entry) => html`<tr data-testid="schedule-row" data-schedule="${entry.name}"><td><code>${entry.name}</code>${entry.declared ? "" : html` <span class="muted">(not declared here)</span>`}</td>
<td>${entry.taskName ?? "—"}</td><td><code>${entry.cron ?? "—"}</code>${entry.timeZone ? ` ${entry.timeZone}` : ""}</td><td>${formatDate(entry.nextOccurrence)}</td><td>${formatDate(entry.lastEnqueuedFor)}</td>
<td>${entry.lastStatus ? statusBadge(entry.lastStatus) : "—"}</td><td class="${entry.overdueMs === null ? "" : "error"}">${entry.overdueMs === null ? "no" : formatDuration(entry.overdueMs)}</td></tr>`)}
</tbody></table>`;
}
