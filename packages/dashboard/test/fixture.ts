/**
 * Test fixture: a configured backend with tasks in every status, a dashboard handler, and
 * helpers that send real `Request`s to it.
 */
import { configureTasks, resetTasksConfiguration, task, unregisterTasks, Worker, type Logger, type TaskBackend } from "@tasks/core";
import { createDashboard, type DashboardOptions } from "../src/index.js";

/** A log line the fixture's logger kept. */
export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

/** Task names and messages chosen to break any page that forgets to escape. */
export const EVIL_NAME = "<img src=x onerror=alert(1)>";
export const EVIL_QUEUE = "<b>queue</b>";
export const EVIL_ARG = "<script>alert(1)</script>";
export const EVIL_MESSAGE = "<script>alert('err')</script> & more";

/** The tasks the fixture stored, by role. */
export interface Seeded {
  readonly successfulIds: string[];
  readonly failedId: string;
  readonly readyIds: string[];
}

/** Configures `backend` as "default" (any queue) with a logger that keeps every line. */
export function configure(backend: TaskBackend, extra: Record<string, TaskBackend> = {}): LogLine[] {
  resetTasksConfiguration();
  unregisterTasks();
  const logs: LogLine[] = [];
  const keep = (level: string) => (message: string, fields?: Record<string, unknown>) => void logs.push({ level, message, fields });
  const logger: Logger = { debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") };
  configureTasks({ backends: { default: { backend, queues: [] }, ...Object.fromEntries(Object.entries(extra).map(([alias, entry]) => [alias, { backend: entry, queues: [] }])) }, logger });
  return logs;
}

/**
 * Stores 3 SUCCESSFUL tasks (`emails.send`, queue `mail`), 1 FAILED task with an HTML name,
 * queue, argument and error message, and 2 READY tasks (`reports.build`, queue `reports`)
 * that no worker has claimed.
 */
export async function seed(): Promise<Seeded> {
  const send = task({ name: "emails.send", queueName: "mail" }, async (to: string) => `sent to ${to}`);
  const evil = task({ name: EVIL_NAME, queueName: EVIL_QUEUE }, async (_text: string) => {
    throw new Error(EVIL_MESSAGE);
  });
  const report = task({ name: "reports.build", queueName: "reports" }, async (_id: number) => "built");
  const sent = [await send.enqueue("a@example.com"), await send.enqueue("b@example.com"), await send.enqueue("c@example.com")];
  const failed = await evil.enqueue(EVIL_ARG);
  await new Worker({ queues: ["mail", EVIL_QUEUE], batch: true, workerId: "worker-one" }).run();
  const ready = [await report.enqueue(1), await report.enqueue(2)];
  return { successfulIds: sent.map((result) => result.id), failedId: failed.id, readyIds: ready.map((result) => result.id) };
}

/** A dashboard that lets every request in as "alice", unless `options` say otherwise. */
export function dashboard(options: Partial<DashboardOptions> = {}) {
  return createDashboard({ authorize: () => ({ name: "alice" }), ...options });
}

/** Base URL the test requests are made against. */
export const ORIGIN = "http://dashboard.test";

/** What {@link get} and {@link postForm} return. */
export interface PageResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** A GET of `path` (with query) on the handler; returns status, headers and body text. */
export async function get(handler: (request: Request) => Promise<Response>, path: string, headers: Record<string, string> = {}): Promise<PageResult> {
  const response = await handler(new Request(`${ORIGIN}${path}`, { headers }));
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** A form POST of `fields` to `path`. */
export async function postForm(handler: (request: Request) => Promise<Response>, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<PageResult> {
  const response = await handler(
    new Request(`${ORIGIN}${path}`, { method: "POST", body: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } }),
  );
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** The CSRF token written in a page's forms. */
export function csrfFrom(body: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!match) throw new Error("no CSRF field in the page");
  return match[1]!;
}

/** The task ids of the list rows in a page, in order. */
export function rowIds(body: string): string[] {
  return [...body.matchAll(/data-testid="task-row" data-task-id="([^"]+)"/g)].map((match) => match[1]!);
}
