/**
 * OpenTelemetry across real processes: the test process enqueues inside a span of its own
 * tracer (W3C propagator registered), a `tasks worker --batch` process runs the tasks, and
 * the spans that process exported are read back from its span file (config `telemetry`) or
 * from a local OTLP endpoint (the Node SDK the OTEL_* environment starts). The enqueue's
 * trace context reaches the worker only through the task tables.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { closeTasks, configureTasks } from "@tasks/core";
import { openTelemetry } from "@tasks/core/otel";
import { describe, expect, it } from "vitest";
import { createSqliteDatabase } from "./helpers/databases.js";
import { DIALECTS } from "./helpers/dialects.js";
import { useOtelGlobals } from "./helpers/otel-globals.js";
import { OtlpReceiver } from "./helpers/otlp-receiver.js";
import { FIXTURES_DIR, run } from "./helpers/spawn.js";
import { row, stopUsingDatabase, useDatabase } from "./helpers/tasks-db.js";
import { SHUTDOWN_LINE, type SpanLine } from "./fixtures/span-file-exporter.js";
import { failTask, sleepTask } from "./fixtures/tasks.js";

const WORKER = ["worker", "--batch", "--no-startup-delay", "--interval", "0.1", "--log-format", "json"];
/** OTLP/HTTP with JSON bodies, to the receiver only; no log export. */
const OTLP_ENV = { OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_LOGS_EXPORTER: "none", OTEL_SERVICE_NAME: "tasks-cli-test" };

/** The environment of the test process without any OTEL_* variable (the tests set their own). */
function withoutOtel(env: Record<string, string>): Record<string, string> {
  const cleared = Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith("OTEL_")).map((name) => [name, ""]));
  return { ...cleared, ...env };
}

function readSpans(path: string): { spans: SpanLine[]; shutdown: boolean } {
  const lines = readFileSync(path, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as SpanLine | typeof SHUTDOWN_LINE);
  return { spans: lines.filter((line): line is SpanLine => "name" in line), shutdown: lines.some((line) => "shutdown" in line) };
}

describe("OpenTelemetry in tasks worker processes", () => {
  useOtelGlobals();

  it.for(DIALECTS)(
    "on $name, config telemetry: a process span per task linked to the test's send span, ERROR with error.type for a failure, claim and complete spans, shutdownTelemetry called",
    async (dialect, { skip, onTestFailed }) => {
      if (dialect.skip) skip(dialect.skip);
      const database = await dialect.create();
      let failed = false;
      onTestFailed(() => {
        failed = true;
      });
      try {
        const testSpans = new InMemorySpanExporter();
        const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(testSpans)] });
        configureTasks({ backends: { default: { backend: database.backend(), queues: [] } }, telemetry: openTelemetry({ tracerProvider }) });
        const [ok, bad] = await tracerProvider.getTracer("test").startActiveSpan("request", async (request) => {
          const enqueued = [await sleepTask.enqueue("traced", 0), await failTask.enqueue()] as const;
          request.end();
          return enqueued;
        });
        await closeTasks();
        const sends = testSpans.getFinishedSpans().filter((span) => span.name === "send default");
        expect(sends).toHaveLength(2);
        const sendOf = (id: string) => sends.find((span) => span.attributes["messaging.message.id"] === id)!.spanContext();

        const spansFile = join(mkdtempSync(join(tmpdir(), "tasks-cli-spans-")), "spans.jsonl");
        const exit = await run("tasks", [...WORKER, "--config", "telemetry.config.ts", "--worker-id", "traced-worker"], {
          env: withoutOtel({ ...database.env, TASKS_CLI_TEST_SPANS: spansFile }),
        });
        expect(exit.code, exit.stderr).toBe(0);
        const { spans, shutdown } = readSpans(spansFile);
        expect(shutdown, "the config's shutdownTelemetry ran before the process exited").toBe(true);

        const processes = spans.filter((span) => span.name === "process default");
        expect(processes).toHaveLength(2);
        const processOf = (id: string) => processes.find((span) => span.attributes["messaging.message.id"] === id)!;
        for (const [result, taskName, outcome] of [
          [ok, "cli.sleep", "success"],
          [bad, "cli.fail", "failure"],
        ] as const) {
          const span = processOf(result.id);
          expect(span, `the process span of ${taskName}`).toBeDefined();
          expect(span.kind).toBe(SpanKind.CONSUMER);
          expect(span.attributes).toEqual(
            expect.objectContaining({
              "messaging.system": "tasks",
              "messaging.operation.name": "process",
              "messaging.operation.type": "process",
              "messaging.destination.name": "default",
              "messaging.message.id": result.id,
              "messaging.client.id": "traced-worker",
              "tasks.task.name": taskName,
              "tasks.backend": "default",
              "tasks.attempt": 1,
              "tasks.max_attempts": 1,
              "tasks.outcome": outcome,
            }),
          );
          // A trace of its own, linked to the span that enqueued the task in the test process.
          const send = sendOf(result.id);
          expect(span.parentSpanId).toBeNull();
          expect(span.links).toEqual([{ traceId: send.traceId, spanId: send.spanId }]);
          expect(span.traceId).not.toBe(send.traceId);
        }
        expect(processOf(ok.id).status.code).toBe(SpanStatusCode.UNSET);
        expect(processOf(ok.id).attributes).not.toHaveProperty("error.type");
        const failure = processOf(bad.id);
        expect(failure.status).toEqual({ code: SpanStatusCode.ERROR, message: "cli.fail always fails" });
        expect(failure.attributes["error.type"]).toBe("Error");
        expect(failure.events).toContain("exception");

        const claims = spans.filter((span) => span.name === "claim default");
        expect(claims.length).toBeGreaterThan(0);
        for (const claim of claims) {
          expect(claim.kind).toBe(SpanKind.CLIENT);
          expect(claim.attributes).toEqual(expect.objectContaining({ "messaging.operation.name": "claim", "messaging.operation.type": "receive", "tasks.backend": "default" }));
        }
        expect(claims.reduce((sum, claim) => sum + Number(claim.attributes["messaging.batch.message_count"]), 0)).toBe(2);
        const completes = spans.filter((span) => span.name === "complete default");
        expect(completes.length).toBeGreaterThan(0);
        for (const complete of completes) {
          expect(complete.kind).toBe(SpanKind.CLIENT);
          expect(complete.attributes).toEqual(expect.objectContaining({ "messaging.operation.name": "complete", "messaging.operation.type": "settle" }));
        }
        expect(completes.reduce((sum, complete) => sum + Number(complete.attributes["messaging.batch.message_count"]), 0)).toBe(2);

        useDatabase(database);
        expect((await row(ok.id))?.status).toBe("SUCCESSFUL");
        expect((await row(bad.id))?.status).toBe("FAILED");
        await stopUsingDatabase();
      } finally {
        await closeTasks();
        await database.dispose(failed);
      }
    },
  );

  it("without config telemetry, OTEL_* variables start the project's @opentelemetry/sdk-node, and its shutdown exports spans and metrics before exit", async () => {
    const database = await createSqliteDatabase();
    const receiver = await OtlpReceiver.start();
    try {
      useDatabase(database);
      const result = await sleepTask.enqueue("exported", 0);
      await stopUsingDatabase();
      const exit = await run("tasks", [...WORKER, "--config", "tasks.config.ts"], {
        env: withoutOtel({ ...database.env, ...OTLP_ENV, OTEL_TRACES_EXPORTER: "otlp", OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }),
      });
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stdout).toContain("OpenTelemetry: started @opentelemetry/sdk-node from the project of the tasks config (OTEL_TRACES_EXPORTER=otlp).");
      const processed = receiver.spans.find((span) => span.name === "process default");
      expect(processed, `spans received: ${receiver.spans.map((span) => span.name).join(", ")}`).toBeDefined();
      expect(processed!.attributes).toEqual(expect.objectContaining({ "messaging.message.id": result.id, "tasks.task.name": "cli.sleep", "tasks.outcome": "success" }));
      expect(receiver.spans.some((span) => span.name === "claim default")).toBe(true);
      expect(receiver.resources.some((resource) => resource["service.name"] === "tasks-cli-test")).toBe(true);
      // The metric reader exports every 60 s by default: these arrive only through the shutdown's flush.
      expect([...receiver.metricNames]).toEqual(expect.arrayContaining(["messaging.client.consumed.messages", "tasks.finished"]));
    } finally {
      await receiver.close();
      await database.dispose();
    }
  });

  it("without the SDK in the config's project, OTEL_* variables get one warning and the worker runs without telemetry; OTEL_SDK_DISABLED=true silences it", async () => {
    const database = await createSqliteDatabase();
    // A project folder of its own, with no node_modules: nothing resolves @opentelemetry/sdk-node from it.
    const project = mkdtempSync(join(tmpdir(), "tasks-cli-no-otel-"));
    const configPath = join(project, "tasks.config.mjs");
    writeFileSync(
      configPath,
      `import { databaseBackend } from ${JSON.stringify(pathToFileURL(join(FIXTURES_DIR, "database.ts")).href)};\n` +
        `export default { backends: { default: { backend: await databaseBackend(), queues: [] } }, tasks: [${JSON.stringify(join(FIXTURES_DIR, "tasks.ts"))}] };\n`,
    );
    expect(existsSync(join(project, "node_modules"))).toBe(false);
    // pnpm's bin shims (vitest's) set NODE_PATH to the store's hoisted packages, which hold the SDK.
    const noSdk = { ...database.env, NODE_PATH: "" };
    try {
      useDatabase(database);
      const first = await sleepTask.enqueue("untraced", 0);
      const exit = await run("tasks", [...WORKER, "--config", configPath], { env: withoutOtel({ ...noSdk, OTEL_TRACES_EXPORTER: "otlp" }) });
      expect(exit.code, exit.stderr).toBe(0);
      expect((await row(first.id))?.status).toBe("SUCCESSFUL");
      const warnings = exit.stdout.split("\n").filter((line) => line.includes("asks for OpenTelemetry export"));
      expect(warnings, exit.stdout).toHaveLength(1);
      const warning = JSON.parse(warnings[0]!) as Record<string, unknown>;
      expect(warning.level).toBe("warn");
      expect(warning.msg).toContain(`OTEL_TRACES_EXPORTER=otlp asks for OpenTelemetry export, but @opentelemetry/sdk-node is not installed in the project of ${configPath}`);
      expect(warning.msg).toContain("npm install @opentelemetry/sdk-node @opentelemetry/api");

      const second = await sleepTask.enqueue("disabled", 0);
      const disabled = await run("tasks", [...WORKER, "--config", configPath], { env: withoutOtel({ ...noSdk, OTEL_TRACES_EXPORTER: "otlp", OTEL_SDK_DISABLED: "true" }) });
      expect(disabled.code, disabled.stderr).toBe(0);
      expect((await row(second.id))?.status).toBe("SUCCESSFUL");
      expect(disabled.stdout).not.toContain("OpenTelemetry");
    } finally {
      await stopUsingDatabase();
      await database.dispose();
    }
  });
});
