/**
 * `--trace` / `DEMO_TRACE=1`: the demo prints OpenTelemetry spans, and each attempt's span links
 * to the span of the enqueue that stored the task, in the same process and across the
 * `enqueue` → `db-worker` processes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { printedSpans, type PrintedSpan } from "./console-spans.js";
import { parseFinalTable, runDbWorker, runNode, type DemoRun } from "./run-demo.js";

function expectSuccess(run: DemoRun, what: string): void {
  expect(run.exitCode, `${what} exited with ${run.exitCode}; stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(0);
}

/** The `send` span of each task name (the demo enqueues each task once). */
function sendsByTask(spans: readonly PrintedSpan[]): Map<string, PrintedSpan> {
  return new Map(spans.filter((span) => span.name.startsWith("send ") && span.taskName).map((span) => [span.taskName!, span]));
}

describe("demo with tracing (SQLite)", () => {
  const dataDirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "tasks-demo-trace-"));
    dataDirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("--trace prints a send span per enqueue and a process span per attempt linked to it, and the run ends as without it", async () => {
    const run = await runNode(["--import", "tsx", "src/main.ts", "--trace"], { DEMO_DATA_DIR: freshDir() });
    expectSuccess(run, "the demo with --trace");
    const spans = printedSpans(run.stdout);
    const sends = sendsByTask(spans);
    // The order confirmation's enqueue is traced too: its row was rolled back with the order, so it never runs.
    expect([...sends.keys()].sort()).toEqual([
      "crm.importLegacyCustomer",
      "emails.sendCartReminder",
      "emails.sendOrderConfirmation",
      "emails.sendWelcome",
      "fraud.reviewOrder",
      "invoices.issue",
      "payments.capture",
    ]);
    const processes = spans.filter((span) => span.name.startsWith("process "));
    // Six tasks, and payments.capture twice more (two retries).
    expect(processes).toHaveLength(8);
    for (const processed of processes) {
      const send = sends.get(processed.taskName!);
      expect(processed.links, `the link of ${processed.taskName}'s process span`).toEqual([{ traceId: send!.traceId, spanId: send!.spanId }]);
    }
    expect(processes.filter((span) => span.taskName === "payments.capture").map((span) => span.outcome)).toEqual(["retry", "retry", "success"]);
    expect(processes.find((span) => span.taskName === "crm.importLegacyCustomer")?.outcome).toBe("failure");
    expect(spans.some((span) => span.name === "claim default")).toBe(true);
    expect(parseFinalTable(run.stdout).map((row) => row.status)).toEqual(["SUCCESSFUL", "SUCCESSFUL", "FAILED", "SUCCESSFUL", "SUCCESSFUL", "NOT STORED", "SUCCESSFUL"]);
  });

  it("DEMO_TRACE=1 through enqueue and db-worker: the worker process's spans link to the enqueue process's send spans", async () => {
    const env = { DEMO_DATA_DIR: freshDir(), DEMO_TRACE: "1" };
    const enqueue = await runNode(["--import", "tsx", "src/enqueue-only.ts"], env);
    expectSuccess(enqueue, "pnpm enqueue");
    const sends = sendsByTask(printedSpans(enqueue.stdout));
    const worker = await runDbWorker(["--queue", "*", "--batch", "--no-startup-delay", "--no-schedules"], env);
    expectSuccess(worker, "db-worker");
    const processed = printedSpans(worker.stdout).filter((span) => span.name.startsWith("process "));
    expect(processed.map((span) => span.taskName)).toEqual(expect.arrayContaining(["fraud.reviewOrder", "emails.sendWelcome", "invoices.issue"]));
    for (const span of processed) {
      const send = sends.get(span.taskName!);
      expect(span.links, `the link of ${span.taskName}'s process span`).toEqual([{ traceId: send!.traceId, spanId: send!.spanId }]);
    }
  });
});
