import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One span as an OTLP/HTTP JSON export carries it (the fields the tests read). */
export interface OtlpSpan {
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
}

/**
 * A local OTLP/HTTP endpoint taking JSON (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`): it keeps
 * every span and metric name posted to `/v1/traces` and `/v1/metrics`, with the resource
 * attributes, so a test can read what a worker process exported.
 */
export class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  readonly metricNames = new Set<string>();
  readonly resources: Array<Record<string, unknown>> = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts listening on a free port of 127.0.0.1. */
  static async start(): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const server = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      request.on("end", () => {
        receiver?.take(request.url ?? "", body);
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    receiver = new OtlpReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  /** The base URL for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Stops listening. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  private take(url: string, body: string): void {
    const payload = JSON.parse(body) as OtlpPayload;
    if (url.endsWith("/v1/traces")) {
      for (const resource of payload.resourceSpans ?? []) {
        this.resources.push(attributesOf(resource.resource?.attributes));
        for (const scope of resource.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) this.spans.push({ name: span.name, kind: span.kind, attributes: attributesOf(span.attributes) });
        }
      }
    } else if (url.endsWith("/v1/metrics")) {
      for (const resource of payload.resourceMetrics ?? []) {
        for (const scope of resource.scopeMetrics ?? []) for (const metric of scope.metrics ?? []) this.metricNames.add(metric.name);
      }
    }
  }
}

interface OtlpKeyValue {
  readonly key: string;
  readonly value: Record<string, unknown>;
}

interface OtlpPayload {
  readonly resourceSpans?: ReadonlyArray<{
    readonly resource?: { readonly attributes?: readonly OtlpKeyValue[] };
    readonly scopeSpans?: ReadonlyArray<{ readonly spans?: ReadonlyArray<{ readonly name: string; readonly kind: number; readonly attributes?: readonly OtlpKeyValue[] }> }>;
  }>;
  readonly resourceMetrics?: ReadonlyArray<{ readonly scopeMetrics?: ReadonlyArray<{ readonly metrics?: ReadonlyArray<{ readonly name: string }> }> }>;
}

/** OTLP's `[{ key, value: { stringValue } }]` as a plain object (int values arrive as strings or numbers). */
function attributesOf(list: readonly OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, Object.values(value)[0]]));
}
