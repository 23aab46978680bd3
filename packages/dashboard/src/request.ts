/** One request as the routes see it: who asks, where the handler is mounted, how to answer. */
import { DashboardHttpError } from "./errors.js";
import type { DashboardUser, ResolvedDashboardOptions } from "./options.js";
import type { PageContext } from "./pages/layout.js";
import type { SafeHtml } from "./html.js";

/** A request after authorization. */
export interface DashboardRequest {
  readonly request: Request;
  readonly url: URL;
  /** The path below the mount, starting with `/`. */
  readonly path: string;
  readonly user: DashboardUser;
  readonly options: ResolvedDashboardOptions;
  /** What the HTML pages need (links, CSRF token). */
  readonly page: PageContext;
}

/** Largest request body read (forms and JSON), in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The request body as text, refused past {@link MAX_BODY_BYTES}. */
export async function readBody(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new DashboardHttpError(413, "Request too large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new DashboardHttpError(413, "Request too large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  return text;
}

/** A submitted HTML form (application/x-www-form-urlencoded). */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) {
    throw new DashboardHttpError(415, "Unsupported form", `Forms must be sent as application/x-www-form-urlencoded (got ${JSON.stringify(type)}).`);
  }
  return new URLSearchParams(await readBody(request));
}

/** The headers every answer carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

/** An HTML answer. */
export function htmlResponse(body: SafeHtml, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body.value, { status, headers: { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8", ...headers } });
}

/** A JSON answer (Dates become ISO strings). */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", ...headers } });
}

/** A 303 redirect (after a POST, or to the canonical address). */
export function redirect(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { ...SECURITY_HEADERS, location, ...headers } });
}
