/** The page frame every HTML page shares (header, navigation, inline CSS) and small formatters. */
import type { ResultStatus } from "@tasks/core";
import { html, raw, type HtmlValue, type SafeHtml } from "../html.js";
import type { DashboardUser } from "../options.js";

/** What every page needs to build links and forms. */
export interface PageContext {
  /** The mount path, `""` or `/admin/tasks` (no trailing slash). */
  readonly base: string;
  readonly user: DashboardUser;
  /** This user's CSRF token, written in every POST form. */
  readonly csrf: string;
  readonly readOnly: boolean;
  readonly title: string;
}

const CSS = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#59636e;--bg:#fff;--line:#d1d9e0;--soft:#f6f8fa;--accent:#0969da;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#3d444d;--soft:#151b23;--accent:#4493f8;--ok:#3fb950;--bad:#f85149;--warn:#d29922}}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1.2rem;border-bottom:1px solid var(--line);background:var(--soft)}
header strong{font-size:1.05rem}header nav{display:flex;gap:1rem;flex:1}header .user{color:var(--muted)}
main{padding:1rem 1.2rem;max-width:1400px}a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
h1{font-size:1.35rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .6rem}h3{font-size:1rem;margin:1rem 0 .4rem}
table{border-collapse:collapse;margin:.4rem 0 1rem;width:auto}th,td{border:1px solid var(--line);padding:.3rem .55rem;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}caption{caption-side:top;text-align:left;color:var(--muted);padding-bottom:.3rem}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{background:var(--soft);border:1px solid var(--line);padding:.6rem;overflow:auto;max-height:28rem;white-space:pre-wrap;word-break:break-word}
.status{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:12px;font-weight:600;border:1px solid currentColor}
.s-READY{color:var(--accent)}.s-RUNNING{color:var(--warn)}.s-SUCCESSFUL{color:var(--ok)}.s-FAILED{color:var(--bad)}.s-CANCELLED{color:var(--muted)}
.muted{color:var(--muted)}.error{color:var(--bad)}.box{border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;margin:.6rem 0 1rem;background:var(--soft)}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end;margin-bottom:.8rem}form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
input,select,button{font:inherit;padding:.25rem .4rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg)}
button{cursor:pointer;background:var(--soft)}button.danger{color:var(--bad);border-color:var(--bad)}.actions{display:flex;gap:.5rem;flex-wrap:wrap;margin:.6rem 0}
.actions form{display:inline}dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.4rem 0 1rem}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0}
svg.chart{max-width:100%;height:auto;border:1px solid var(--line);background:var(--bg)}.legend span{margin-right:1rem}
`;

/** The whole HTML document around a page's content. */
export function layout(context: PageContext | null, title: string, content: SafeHtml, siteTitle = "Tasks"): SafeHtml {
  const nav = context
    ? html`<nav><a href="${context.base}/" data-testid="nav-overview">Overview</a><a href="${context.base}/tasks" data-testid="nav-tasks">Tasks</a></nav>
<span class="user" data-testid="user">${context.user.name}${context.readOnly ? " · read-only" : ""}</span>`
    : html`<nav></nav>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin"><title>${title} · ${context?.title ?? siteTitle}</title><style>${raw(CSS)}</style></head>
<body><header><strong>${context?.title ?? siteTitle}</strong>${nav}</header>
<main>${content}</main></body></html>`;
}

/** A status as a coloured label. */
export function statusBadge(status: ResultStatus): SafeHtml {
  return html`<span class="status s-${status}" data-testid="status">${status}</span>`;
}

/** A date as UTC ISO text with the full value in a tooltip; `—` for none. */
export function formatDate(date: Date | null | undefined): SafeHtml {
  if (!date) return html`<span class="muted">—</span>`;
  const iso = date.toISOString();
  return html`<time datetime="${iso}">${iso.replace("T", " ").replace(/\.\d{3}Z$/, "Z")}</time>`;
}

/** A duration in milliseconds as text a person reads at a glance: `850 ms`, `42 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A JSON value pretty-printed for a `<pre>` (escaped by the template that writes it). */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "undefined";
}

/** A link to a path under the mount, with an optional query string. */
export function href(context: PageContext, path: string, query = ""): string {
  return `${context.base}${path}${query ? `?${query}` : ""}`;
}

/** The hidden CSRF field every POST form carries. */
export function csrfField(context: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${context.csrf}">`;
}

/** A short message box. */
export function notice(content: HtmlValue, testId = "notice"): SafeHtml {
  return html`<div class="box" data-testid="${testId}">${content}</div>`;
}
