/** The confirm step of every action (GET shows what will happen, its form POSTs it) and the page after it. */
import { html, type SafeHtml } from "../html.js";
import { ACTION_DESCRIPTIONS, type ActionName } from "../actions.js";
import { listQueryString, type ListQuery } from "../query.js";
import { csrfField, href, layout, notice, type PageContext } from "./layout.js";

/** Confirm an action on one task. */
export function confirmTaskPage(context: PageContext, action: ActionName, backend: string, id: string, taskName: string, status: string): SafeHtml {
  const content = html`<h1>${action[0]!.toUpperCase()}${action.slice(1)} this task?</h1>
${notice(html`Task <code>${id}</code> (<strong>${taskName}</strong>, ${status}) of backend <code>${backend}</code>: ${ACTION_DESCRIPTIONS[action]}.`, "confirm-summary")}
<form method="post" action="${href(context, `/tasks/${id}/${action}`)}">${csrfField(context)}<input type="hidden" name="backend" value="${backend}">
<button type="submit" class="${action === "retry" ? "" : "danger"}" data-testid="confirm">Yes, ${action} it</button>
<a href="${href(context, `/tasks/${id}`, new URLSearchParams({ backend }).toString())}" data-testid="cancel-confirm">No, go back</a></form>`;
  return layout(context, `Confirm ${action}`, content);
}

/** Confirm a bulk action on every task the filter selects. */
export function confirmBulkPage(context: PageContext, action: ActionName, backend: string, query: ListQuery, count: number, overLimit: boolean, limit: number): SafeHtml {
  const back = href(context, "/tasks", listQueryString(query, backend));
  if (overLimit) {
    return layout(context, `Confirm ${action}`, html`<h1>Too many tasks</h1>
${notice(html`This filter selects more than ${limit.toLocaleString("en")} tasks that ${action} applies to; a bulk action covers at most ${limit.toLocaleString("en")}. Narrow the filter (a queue, a task name or a time range) and try again.`, "bulk-over-limit")}
<p><a href="${back}">« Back to the list</a></p>`);
  }
  const params = new URLSearchParams(listQueryString(query, backend));
  const content = html`<h1>${action[0]!.toUpperCase()}${action.slice(1)} ${count} task${count === 1 ? "" : "s"}?</h1>
${notice(html`<span data-testid="bulk-count" data-count="${count}">${count}</span> task${count === 1 ? "" : "s"} of backend <code>${backend}</code> selected by the filter will be ${action === "retry" ? "run again" : action === "cancel" ? "cancelled" : "deleted"}: ${ACTION_DESCRIPTIONS[action]}.`, "confirm-summary")}
${count === 0 ? html`<p><a href="${back}">« Back to the list</a></p>` : html`<form method="post" action="${href(context, `/bulk/${action}`)}">${csrfField(context)}
${[...params].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit" class="${action === "retry" ? "" : "danger"}" data-testid="confirm">Yes, ${action} ${count} task${count === 1 ? "" : "s"}</button>
<a href="${back}" data-testid="cancel-confirm">No, go back</a></form>`}`;
  return layout(context, `Confirm ${action}`, content);
}

/** What an action did. */
export function actionDonePage(context: PageContext, action: ActionName, count: number, asked: number, backLink: string, backText: string): SafeHtml {
  const verb = action === "retry" ? "Retried" : action === "cancel" ? "Cancelled" : "Deleted";
  const skipped = asked - count;
  const content = html`<h1>${verb} ${count} task${count === 1 ? "" : "s"}</h1>
${notice(html`<span data-testid="action-count" data-count="${count}">${verb} ${count} of ${asked}.</span>${skipped > 0 ? ` ${skipped} ${skipped === 1 ? "was" : "were"} left as ${skipped === 1 ? "it was" : "they were"}: no longer in a status ${action} applies to${action === "retry" ? ", or an active task holds its unique key" : ""}.` : ""}`, "action-result")}
<p><a href="${backLink}" data-testid="back">${backText}</a></p>`;
  return layout(context, `${verb}`, content);
}
