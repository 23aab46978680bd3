/**
 * @tasks/dashboard — a small web dashboard and JSON API for @tasks/core: counts, throughput,
 * workers and schedules; task lists with filters and keyset paging; task details; retry,
 * cancel and delete with a confirm step, CSRF protection and an audit log line.
 */
export { createDashboard } from "./handler.js";
export type { DashboardHandler } from "./handler.js";
export type { DashboardOptions, DashboardUser, DashboardActionEvent } from "./options.js";
export { serveDashboard, TOKEN_COOKIE } from "./serve.js";
export type { ServeDashboardOptions, RunningDashboard } from "./serve.js";
export { toNodeHandler, toRequest } from "./node.js";
export { html, raw, escapeHtml, SafeHtml } from "./html.js";
export type { HtmlValue } from "./html.js";
