/** `toNodeHandler`: serves a Fetch handler from node:http (and Express, which passes the same objects). */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { DashboardHandler } from "./handler.js";

/**
 * Adapts a Fetch handler to node:http's `(req, res)`: builds a `Request` from the incoming
 * message (the URL from the Host header, the body streamed for POST) and writes the
 * `Response` back. Express passes the same objects, and its `req.originalUrl` (the path before
 * Express stripped the mount point) is used when present, so
 * `app.use("/admin/tasks", toNodeHandler(createDashboard({ basePath: "/admin/tasks", authorize })))`
 * works.
 */
export function toNodeHandler(handler: DashboardHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serve(handler, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("Internal error");
      } else {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    });
  };
}

async function serve(handler: DashboardHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const response = await handler(toRequest(req));
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (req.method === "HEAD" || response.body === null) {
    res.end();
    return;
  }
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** A Fetch `Request` for a node:http incoming message. */
export function toRequest(req: IncomingMessage): Request {
  const host = req.headers.host ?? "localhost";
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  // Express rewrites req.url below a mount point; originalUrl keeps the full path.
  const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "/";
  const url = new URL(path, `${encrypted ? "https" : "http"}://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}
