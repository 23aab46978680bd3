/**
 * Issue 14's end-to-end check: a task enqueued while a real HTTP server (loopback) handles a
 * request runs in another process, a `tasks worker`, under a span linked to that request's
 * trace. The server continues the trace its client sent in `traceparent`, as HTTP
 * instrumentation does, so the link is checked against a trace id the test chose.
 */
import { once } from "node:events";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { propagation, ROOT_CONTEXT, SpanKind } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { closeTasks, configureTasks } from "@tasks/core";
import { openTelemetry } from "@tasks/core/otel";
import { describe, expect, it } from "vitest";
import { DIALECTS } from "./helpers/dialects.js";
import { useOtelGlobals } from "./helpers/otel-globals.js";
import { run } from "./helpers/spawn.js";
import type { SpanLine } from "./fixtures/span-file-exporter.js";
import { sleepTask } from "./fixtures/tasks.js";

const CLIENT_TRACE_ID = "5b8efff798038103d269b633813fc60c";
const CLIENT_SPAN_ID = "eee19b7ec3c1b174";

describe("a task enqueued inside an HTTP request's span", () => {
  useOtelGlobals();

  it.for(DIALECTS)("on $name, runs in a tasks worker process under a span linked to the request's trace", async (dialect, { skip }) => {
    if (dialect.skip) skip(dialect.skip);
    const database = await dialect.create();
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const tracer = tracerProvider.getTracer("app");
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const incoming = propagation.extract(ROOT_CONTEXT, request.headers);
      void tracer.startActiveSpan("POST /reports", { kind: SpanKind.SERVER, attributes: { "http.request.method": "POST", "url.path": request.url ?? "/" } }, incoming, async (span) => {
        try {
          const result = await sleepTask.enqueue("from a request", 0);
          response.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ id: result.id }));
        } catch (error) {
          response.writeHead(500).end(String(error));
        } finally {
          span.end();
        }
      });
    });
    try {
      configureTasks({ backends: { default: { backend: database.backend(), queues: [] } }, telemetry: openTelemetry({ tracerProvider }) });
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/reports`, { method: "POST", headers: { traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01` } });
      expect(answer.status).toBe(202);
      const { id } = (await answer.json()) as { id: string };
      await closeTasks();

      const serverSpan = spans.getFinishedSpans().find((span) => span.name === "POST /reports")!;
      expect(serverSpan.spanContext().traceId, "the server continued the client's trace").toBe(CLIENT_TRACE_ID);
      const send = spans.getFinishedSpans().find((span) => span.name === "send default")!;
      expect(send.parentSpanContext?.spanId).toBe(serverSpan.spanContext().spanId);

      const spansFile = join(mkdtempSync(join(tmpdir(), "tasks-http-spans-")), "spans.jsonl");
      const exit = await run("tasks", ["worker", "--batch", "--no-startup-delay", "--interval", "0.1", "--config", "telemetry.config.ts", "--worker-id", "http-worker"], {
        env: { ...database.env, TASKS_CLI_TEST_SPANS: spansFile },
      });
      expect(exit.code, exit.stderr).toBe(0);
      const exported = readFileSync(spansFile, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as SpanLine);
      const processed = exported.find((span) => span.name === "process default" && span.attributes["messaging.message.id"] === id);
      expect(processed, "the worker process exported the task's process span").toBeDefined();
      expect(processed!.attributes["tasks.outcome"]).toBe("success");
      expect(processed!.attributes["messaging.client.id"]).toBe("http-worker");
      // Linked to the enqueue's span, which is in the HTTP request's trace.
      expect(processed!.links).toEqual([{ traceId: CLIENT_TRACE_ID, spanId: send.spanContext().spanId }]);
    } finally {
      server.close();
      await closeTasks();
      await database.dispose();
    }
  });
});
