/** Worker tests: what a storage outage looks like in the worker's log. */
import { configureTasks, ResultStatus, task, type Logger } from "@tasks/core";
import { expect, it } from "vitest";
import type { WorkerTestContext } from "./worker-context.js";
import { advanceBy, advanceUntil, eventually, failingWhile } from "./worker-helpers.js";

/** One log line as a test logger saw it. */
interface LogLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  /** Message and fields as one string, for searching. */
  readonly text: string;
}

function recordingLogger(): { logger: Logger; lines: LogLine[]; at: (level: LogLine["level"]) => string[] } {
  const lines: LogLine[] = [];
  const write = (level: LogLine["level"]) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, text: `${message} ${JSON.stringify(fields ?? {})}` });
  return {
    logger: { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") },
    lines,
    at: (level) => lines.filter((line) => line.level === level).map((line) => line.message),
  };
}

/** Registers the outage logging tests. */
export function outageTests(context: WorkerTestContext): void {
  const { setUp, startWorker, statusOf, runs, workers } = context;

  it("a storage outage logs one ERROR naming the driver's cause, a WARN every 30 s, one INFO when storage is back, and SQL only at debug", async () => {
    const { alias, clock, backend } = setUp();
    const log = recordingLogger();
    let down = false;
    configureTasks({
      backends: { default: { backend, queues: [] }, [alias]: { backend: failingWhile(backend, () => down), queues: [] } },
      clock,
      logger: log.logger,
    });
    const echo = task({ name: "outage.echo", backend: alias }, (n: number) => n);
    // 50 slots: two claim lanes, both failing, plus heartbeat and rescue loops.
    startWorker({ concurrency: 50 });
    await advanceBy(clock, 2_000);
    expect(log.at("error")).toEqual([]);

    // A failed assertion must not leave storage down: the worker could not finish its run.
    try {
      down = true;
      await advanceBy(clock, 2_000);
      expect(log.at("error")).toHaveLength(1);
      await advanceBy(clock, 98_000); // the outage lasts 99–100 s: WARNs at 30, 60 and 90 s
      expect(log.at("error")).toHaveLength(1);
      expect(log.at("warn")).toHaveLength(3);
      down = false;
      await advanceUntil(clock, "the worker logged that storage is back", () => log.at("info").some((message) => message.includes("reachable again")), 100);
      const done = await echo.enqueue(7);
      await advanceUntil(clock, "a task enqueued after the outage ran", async () => (await statusOf(done)) === ResultStatus.SUCCESSFUL);
      workers[0]!.stop();
      await runs[0];
    } finally {
      down = false;
    }

    const [error] = log.lines.filter((line) => line.level === "error");
    expect(error?.message).toMatch(/^Storage calls are failing: (claim|heartbeat|rescueExpired) failed with connect ECONNREFUSED 127\.0\.0\.1:5432\./);
    expect(error?.text).toContain('"code":"ECONNREFUSED"');
    expect(log.at("warn")).toEqual([
      expect.stringMatching(/^Storage calls still failing after 30 s: \d+ calls failed \(.*claim.*\); latest: connect ECONNREFUSED 127\.0\.0\.1:5432\. Retrying\.$/),
      expect.stringMatching(/^Storage calls still failing after 1 min: \d+ calls failed/),
      expect.stringMatching(/^Storage calls still failing after 1 min 30 s: \d+ calls failed/),
    ]);
    expect(log.at("info")).toEqual(["Worker started.", expect.stringMatching(/^Storage is reachable again after 1 min \d+ s \(\d+ calls failed\)\.$/), "Worker stopped."]);
    const loud = log.lines.filter((line) => line.level !== "debug");
    expect(loud.filter((line) => /Failed query|tasks_results|t-secret/.test(line.text))).toEqual([]);
    // The statement is still there for whoever turns on debug logging.
    expect(log.lines.some((line) => line.level === "debug" && line.text.includes("Failed query"))).toBe(true);
  });

  it("a result finished during an outage is written once storage is back, within the same one ERROR and one INFO", async () => {
    // A long lease: the task is not rescued while its heartbeats wait out the outage.
    const { alias, clock, backend } = setUp({ leaseMs: 600_000 });
    const log = recordingLogger();
    let down = false;
    configureTasks({
      backends: { default: { backend, queues: [] }, [alias]: { backend: failingWhile(backend, () => down), queues: [], leaseMs: 600_000 } },
      clock,
      logger: log.logger,
    });
    let finish!: () => void;
    const gated = task({ name: "outage.gated", backend: alias }, async () => {
      await new Promise<void>((resolve) => (finish = resolve));
      return "written";
    });
    const result = await gated.enqueue();
    startWorker();
    await eventually("the task runs", () => typeof finish === "function");
    try {
      down = true;
      finish();
      await advanceBy(clock, 40_000);
      expect(await statusOf(result)).toBe(ResultStatus.RUNNING);
      expect(log.at("error")).toHaveLength(1);
      expect(log.at("warn")).toEqual([expect.stringMatching(/^Storage calls still failing after 30 s: \d+ calls failed \((claim, complete|complete, claim)\)/)]);
      down = false;
      await advanceUntil(clock, "the result was written", async () => (await statusOf(result)) === ResultStatus.SUCCESSFUL);
    } finally {
      down = false;
    }
    expect(result.returnValue).toBe("written");
    await advanceUntil(clock, "the worker logged that storage is back", () => log.at("info").some((message) => message.includes("reachable again")), 100);
    expect(log.at("error")).toHaveLength(1);
    expect(log.at("info").filter((message) => message.includes("reachable again"))).toHaveLength(1);
    expect(log.lines.filter((line) => line.level !== "debug" && /Failed query|tasks_results/.test(line.text))).toEqual([]);
  });
}
