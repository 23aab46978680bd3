/** `createDashboard`: the Fetch handler that authorizes, routes, and turns every error into a page. */
import { getLogger, InvalidTaskError } from "@tasks/core";
import { csrfToken, CSRF_HEADER } from "./csrf.js";
import { BadRequestError, DashboardHttpError } from "./errors.js";
import { resolveDashboardOptions, type DashboardOptions, type DashboardUser, type ResolvedDashboardOptions } from "./options.js";
import { errorPage } from "./pages/error.js";
import type { PageContext } from "./pages/layout.js";
import { htmlResponse, jsonResponse, type DashboardRequest } from "./request.js";
import { routeApi } from "./routes-api.js";
import { routeHtml } from "./routes-html.js";

/** A standard Fetch handler: mount it in Hono, Next.js route handlers, or node:http through `toNodeHandler`. */
export type DashboardHandler = (request: Request) => Promise<Response>;

/**
 * Makes the dashboard: a Fetch handler that serves the pages and the JSON API under
 * `options.basePath`. `options.authorize` is required; every request it returns `null` for is
 * answered 401 before anything is read. Requests outside `basePath` are answered 404.
 */
export function createDashboard(options: DashboardOptions): DashboardHandler {
  const resolved = resolveDashboardOptions(options);
  return (request) => handle(resolved, request);
}

async function handle(options: ResolvedDashboardOptions, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const inside = url.pathname === options.basePath || url.pathname.startsWith(`${options.basePath}/`);
  const path = inside ? url.pathname.slice(options.basePath.length) || "/" : null;
  const api = path !== null && (path === "/api" || path.startsWith("/api/"));
  let page: PageContext | null = null;
  try {
    if (path === null) throw new DashboardHttpError(404, "Not found", `The dashboard is mounted at ${options.basePath || "/"}; nothing is served at ${url.pathname}.`);
    const user = await authorizeRequest(options, request);
    const csrf = csrfToken(options.secret, user);
    page = { base: options.basePath, user, csrf, readOnly: options.readOnly, title: options.title };
    const req: DashboardRequest = { request, url, path, user, options, page };
    const response = (api ? await routeApi(req) : await routeHtml(req)) ?? notFound(request.method, url);
    if (api) response.headers.set(CSRF_HEADER, csrf);
    return response;
  } catch (error) {
    return errorResponse(error, page, api);
  }
}

async function authorizeRequest(options: ResolvedDashboardOptions, request: Request): Promise<DashboardUser> {
  const user = await options.authorize(request);
  if (user === null || user === undefined) {
    throw new DashboardHttpError(401, "Not signed in", "You are not allowed to see this dashboard. Sign in (or send the dashboard's token) and reload.");
  }
  if (typeof user !== "object" || typeof user.name !== "string" || user.name === "") {
    throw new TypeError('authorize() must return a user object with a non-empty "name", or null to refuse the request.');
  }
  return user;
}

function notFound(method: string, url: URL): never {
  if (method !== "GET" && method !== "HEAD" && method !== "POST") {
    throw new DashboardHttpError(405, "Method not allowed", `${method} is not used here; the dashboard answers GET, and POST for actions.`);
  }
  throw new DashboardHttpError(404, "Not found", `Nothing is served at ${url.pathname} for ${method}.`);
}

function errorResponse(error: unknown, page: PageContext | null, api: boolean): Response {
  let status: number;
  let title: string;
  let message: string;
  let parameter: string | null = null;
  if (error instanceof DashboardHttpError) {
    ({ status, title, message } = error);
    if (error instanceof BadRequestError) parameter = error.parameter;
  } else if (error instanceof InvalidTaskError) {
    // The core names the bad field in its message; the query was parsed already, so this is a value it refused.
    [status, title, message] = [400, "Bad request", error.message];
  } else {
    getLogger().error("dashboard request failed", { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    [status, title, message] = [500, "Internal error", "The dashboard could not answer this request; the error is in the server's log."];
  }
  const headers: Record<string, string> = status === 405 ? { allow: "GET, POST" } : {};
  if (api) return jsonResponse({ error: { status, title, message, ...(parameter ? { parameter } : {}) } }, status, headers);
  return htmlResponse(errorPage(page, status, title, message), status, headers);
}
