/**
 * `serveDashboard`: the dashboard on its own node:http server, bound to loopback unless told
 * otherwise, behind one shared token.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sameSecret } from "./csrf.js";
import { createDashboard } from "./handler.js";
import { normalizeBasePath, type DashboardOptions } from "./options.js";
import { redirect } from "./request.js";
import { toNodeHandler } from "./node.js";

/** Options of {@link serveDashboard}: the dashboard's options without `authorize`, plus where to listen and the token. */
export interface ServeDashboardOptions extends Omit<DashboardOptions, "authorize"> {
  /**
   * Required: the secret every request must carry (at least 16 characters), as
   * `Authorization: Bearer <token>`, or once as `?token=<token>`, which sets an HttpOnly
   * SameSite=Strict cookie and redirects to the same address without it.
   */
  readonly token: string;
  /** TCP port; `0` picks a free one (read it from `url`). Default 8080. */
  readonly port?: number;
  /** Interface to bind. Default `"127.0.0.1"` (this machine only); `"0.0.0.0"` exposes it to the network. */
  readonly host?: string;
  /** The name actions are logged under. Default `"token"`. */
  readonly userName?: string;
}

/** A dashboard server that is listening. */
export interface RunningDashboard {
  /** Where it listens, such as `http://127.0.0.1:8080/` (with the base path). */
  readonly url: string;
  /** The node:http server, for tests and for adding listeners. */
  readonly server: Server;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** The cookie that carries the token after a `?token=` visit. */
export const TOKEN_COOKIE = "tasks_dashboard_token";
const MIN_TOKEN_LENGTH = 16;

/**
 * Starts the dashboard on its own HTTP server. Binds to 127.0.0.1 unless `host` says
 * otherwise; every request needs the token. Resolves once it listens.
 */
export async function serveDashboard(options: ServeDashboardOptions): Promise<RunningDashboard> {
  const { token, port = 8080, host = "127.0.0.1", userName = "token", ...dashboardOptions } = options ?? ({} as ServeDashboardOptions);
  if (typeof token !== "string" || token.length < MIN_TOKEN_LENGTH) {
    throw new TypeError(
      `serveDashboard() needs a \`token\` of at least ${MIN_TOKEN_LENGTH} characters (got ${typeof token === "string" ? `${token.length}` : "none"}); generate one with \`node -e "console.log(require('crypto').randomBytes(24).toString('base64url'))"\`.`,
    );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`serveDashboard(): \`port\` must be a whole number from 0 to 65535 (got ${String(port)}).`);
  const dashboard = createDashboard({
    ...dashboardOptions,
    authorize: (request) => (tokenOf(request) !== null && sameSecret(token, tokenOf(request)) ? { name: userName } : null),
  });
  const basePath = normalizeBasePath(dashboardOptions.basePath ?? "");
  const handler = toNodeHandler(async (request) => {
    const url = new URL(request.url);
    const given = url.searchParams.get("token");
    if (given === null) return dashboard(request);
    url.searchParams.delete("token");
    if (!sameSecret(token, given)) return dashboard(new Request(url, request));
    return redirect(`${url.pathname}${url.search}`, {
      "set-cookie": `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=${basePath || "/"}`,
    });
  });
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}${basePath}/`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The token a request carries: the Bearer header first, then the cookie. */
function tokenOf(request: Request): string | null {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match ? match[1]! : null;
  }
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(rest.join("="));
      } catch {
        return null;
      }
    }
  }
  return null;
}

