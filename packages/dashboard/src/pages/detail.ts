/** The task detail page: every stored field, the errors with their stacks, a timeline, and the actions. */
import { ResultStatus, type TaskResult } from "@tasks/core";
import type { TaskRecord } from "@tasks/core/backend";
import { html, type SafeHtml } from "../html.js";
import { ACTION_NAMES, ACTION_STATUSES } from "../actions.js";
import { formatDate, formatJson, href, layout, statusBadge, type PageContext } from "./layout.js";

interface TimelineEntry {
  readonly at: Date;
  readonly what: string;
  readonly key: string;
}

/** The moments the record tells of, oldest first (per-attempt times are kept only for the first and the latest attempt). */
export function timelineOf(record: TaskRecord): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  if (record.scheduledFor) entries.push({ at: record.scheduledFor, what: "Schedule occurrence it was enqueued for", key: "scheduled" });
  entries.push({ at: record.enqueuedAt, what: "Enqueued", key: "enqueued" });
  entries.push({ at: record.runAfter ?? record.enqueuedAt, what: record.runAfter ? "Runnable (runAfter)" : "Runnable (at enqueue)", key: "runnable" });
  if (record.startedAt) entries.push({ at: record.startedAt, what: `Attempt 1 started${record.workerIds[0] ? ` on ${record.workerIds[0]}` : ""}`, key: "started" });
  if (record.lastAttemptedAt && record.attempts > 1) {
    const worker = record.workerIds[record.attempts - 1];
    entries.push({ at: record.lastAttemptedAt, what: `Attempt ${record.attempts} started${worker ? ` on ${worker}` : ""}`, key: "last-attempt" });
  }
  if (record.finishedAt) entries.push({ at: record.finishedAt, what: `Finished: ${record.status}`, key: "finished" });
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The detail page of one task. */
export function taskDetailPage(context: PageContext, task: TaskResult): SafeHtml {
  const record = task.toRecord();
  const backendQuery = new URLSearchParams({ backend: record.backend }).toString();
  const actions = context.readOnly ? [] : ACTION_NAMES.filter((action) => ACTION_STATUSES[action].includes(record.status));
  const content = html`<h1>Task <code data-testid="task-id">${record.id}</code></h1>
${actions.length === 0 ? "" : html`<div class="actions" data-testid="task-actions">${actions.map((action) => html`<form method="get" action="${href(context, `/tasks/${record.id}/${action}`)}"><input type="hidden" name="backend" value="${record.backend}"><button type="submit"${action === "retry" ? "" : html` class="danger"`} data-testid="action-${action}">${action[0]!.toUpperCase()}${action.slice(1)}…</button></form>`)}</div>`}
<dl class="kv" data-testid="task-fields">
<dt>Task</dt><dd data-testid="task-name">${record.taskName}</dd>
<dt>Status</dt><dd>${statusBadge(record.status)}</dd>
<dt>Backend</dt><dd><code>${record.backend}</code></dd>
<dt>Queue</dt><dd data-testid="task-queue">${record.queueName}</dd>
<dt>Priority</dt><dd>${record.priority}</dd>
<dt>Attempts</dt><dd data-testid="task-attempts">${record.attempts} of ${record.maxAttempts}</dd>
<dt>Workers</dt><dd data-testid="task-workers">${record.workerIds.length === 0 ? html`<span class="muted">none yet</span>` : record.workerIds.map((id, index) => html`${index > 0 ? ", " : ""}<code>${id}</code>`)}</dd>
<dt>Unique key</dt><dd>${record.uniqueKey === null ? html`<span class="muted">none</span>` : html`<code>${record.uniqueKey}</code>`}</dd>
<dt>Lease until</dt><dd>${formatDate(record.leaseExpiresAt)}</dd>
</dl>
<h2>Timeline</h2>
<table data-testid="timeline"><tbody>${timelineOf(record).map((entry) => html`<tr data-testid="timeline-${entry.key}"><td>${formatDate(entry.at)}</td><td>${entry.what}</td></tr>`)}</tbody></table>
<h2>Arguments</h2>
<pre data-testid="task-args">${formatJson(record.args)}</pre>
${record.status === ResultStatus.SUCCESSFUL ? html`<h2>Return value</h2><pre data-testid="return-value">${formatJson(record.returnValue)}</pre>` : ""}
<h2>Errors (${record.errors.length})</h2>
${record.errors.length === 0
  ? html`<p class="muted" data-testid="no-errors">No attempt failed.</p>`
  : record.errors.map((error, index) => html`<div class="box" data-testid="error" data-index="${index}"><strong data-testid="error-class">${error.className}</strong>: <span data-testid="error-message">${error.message}</span>
<pre data-testid="error-stack">${error.stack || "(no stack)"}</pre></div>`)}
${record.traceContext ? html`<h2>Trace context</h2><dl class="kv" data-testid="trace-context">${Object.entries(record.traceContext).map(([name, value]) => html`<dt>${name}</dt><dd><code>${value}</code></dd>`)}</dl>` : ""}
<p><a href="${href(context, "/tasks", backendQuery)}">« All tasks of backend ${record.backend}</a></p>`;
  return layout(context, `Task ${record.id}`, content);
}
