/**
 * Cross-site request forgery defences for every POST: a token per user (an HMAC of the user's
 * name under the dashboard's secret) that forms carry in a hidden field and API clients in the
 * `X-CSRF-Token` header, and a refusal of requests whose Origin or Sec-Fetch-Site header says
 * they come from another site.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { DashboardHttpError } from "./errors.js";
import type { DashboardUser } from "./options.js";

/** The form field that carries the token. */
export const CSRF_FIELD = "_csrf";
/** The header that carries the token on JSON API requests. */
export const CSRF_HEADER = "x-csrf-token";

/** The CSRF token of one user (and session, when `authorize` names one): the same for every request of theirs while the secret stays. */
export function csrfToken(secret: Uint8Array, user: DashboardUser): string {
  return createHmac("sha256", secret).update(`tasks-dashboard-csrf\u0000${user.name}\u0000${user.session ?? ""}`).digest("base64url");
}

/** Compares in constant time; any other value (missing, wrong length) is false. */
export function sameSecret(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time the same.
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(a, a), false);
}

/** Throws 403 unless `given` is the user's token. */
export function checkCsrfToken(secret: Uint8Array, user: DashboardUser, given: string | null | undefined, where: string): void {
  if (!sameSecret(csrfToken(secret, user), given)) {
    throw new DashboardHttpError(
      403,
      "Request refused",
      `The ${where} is missing or does not match your session (CSRF protection). Reload the page and submit the form again; API clients send the token from the X-CSRF-Token response header in an X-CSRF-Token request header.`,
    );
  }
}

/** Throws 403 for a request a browser marks as coming from another origin. */
export function checkSameOrigin(request: Request, url: URL): void {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw new DashboardHttpError(403, "Request refused", `Actions are accepted only from the dashboard's own pages (Sec-Fetch-Site: ${site}).`);
  }
  const origin = request.headers.get("origin");
  // Hosts, not full origins, are compared: behind a proxy that ends TLS the request URL may say
  // http while the browser says https. The CSRF token is the main defence either way.
  if (origin !== null && hostOf(origin) !== url.host) {
    throw new DashboardHttpError(403, "Request refused", `Actions are accepted only from the dashboard's own origin ${url.origin} (this request came from ${origin}).`);
  }
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null; // "null" (sandboxed frames, some redirects) or garbage: never the same host.
  }
}
