import { describe, expect, it } from "vitest";
import { TestClock } from "../src/clock.js";
import type { Logger } from "../src/logger.js";
import { storageErrorCause } from "../src/worker/cause.js";
import { formatDuration, OutageReporter } from "../src/worker/outage.js";

function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level}: ${message} ${JSON.stringify(fields ?? {})}`);
  return { logger: { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") }, lines };
}

function driverError(message: string, code: string, name = "Error"): Error {
  const error = Object.assign(new Error(message), { code });
  error.name = name;
  return error;
}

describe("storageErrorCause", () => {
  it("takes the driver's error under a query builder's wrapper, never the statement", () => {
    const wrapped = new Error('Failed query: insert into "tasks_workers" values ($1)\nparams: secret', { cause: driverError("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED") });
    expect(storageErrorCause(wrapped)).toEqual({ text: "connect ECONNREFUSED 127.0.0.1:5432", code: "ECONNREFUSED" });
    expect(storageErrorCause(new Error("outer", { cause: new Error("middle", { cause: driverError("deadlock detected", "40P01", "PostgresError") }) }))).toEqual({
      text: "PostgresError: deadlock detected (40P01)",
      code: "40P01",
    });
  });

  it("without a code anywhere takes the innermost error, first line only", () => {
    expect(storageErrorCause(new Error("Failed query: select 1", { cause: new TypeError("fetch failed\nstack-ish detail") }))).toEqual({ text: "TypeError: fetch failed", code: null });
    expect(storageErrorCause(new Error(`one line ${"x".repeat(400)}`)).text).toHaveLength(301);
    expect(storageErrorCause("plain text")).toEqual({ text: "plain text", code: null });
  });

  it("reads the errors of an AggregateError without a message (a host with several addresses refusing)", () => {
    const refused = Object.assign(new AggregateError([new Error("connect ECONNREFUSED ::1:5432"), new Error("connect ECONNREFUSED 127.0.0.1:5432")], ""), { code: "ECONNREFUSED" });
    expect(storageErrorCause(new Error("Failed query: select", { cause: refused }))).toEqual({
      text: "AggregateError: connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432",
      code: "ECONNREFUSED",
    });
  });

  it("stops at a cause chain that loops", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(storageErrorCause(a)).toEqual({ text: "b", code: null });
  });
});

describe("formatDuration", () => {
  it("says milliseconds, seconds, minutes and hours as a person would", () => {
    expect([850, 42_000, 60_000, 185_000, 3_600_000, 7_620_000].map(formatDuration)).toEqual(["850 ms", "42 s", "1 min", "3 min 5 s", "1 h", "2 h 7 min"]);
  });
});

describe("OutageReporter", () => {
  const refused = new Error("Failed query: select secret", { cause: driverError("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED") });

  it("logs one ERROR at the start, a WARN at each 30 s mark, and one INFO once every failing operation succeeded", async () => {
    const clock = new TestClock();
    const { logger, lines } = recordingLogger();
    const outage = new OutageReporter(clock, logger, { workerId: "w1" });
    outage.succeeded("claim");
    expect(lines).toEqual([]);
    outage.failed("claim", refused);
    outage.failed("claim", refused);
    await clock.advance(1_000);
    outage.failed("heartbeat", refused);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      'error: Storage calls are failing: claim failed with connect ECONNREFUSED 127.0.0.1:5432. The worker keeps retrying and logs again when storage answers. {"workerId":"w1","operation":"claim","cause":"connect ECONNREFUSED 127.0.0.1:5432","code":"ECONNREFUSED"}',
    );
    await clock.advance(29_000);
    expect(lines.slice(1)).toEqual([
      'warn: Storage calls still failing after 30 s: 3 calls failed (claim, heartbeat); latest: connect ECONNREFUSED 127.0.0.1:5432. Retrying. {"workerId":"w1","lastedMs":30000,"failedCalls":3,"operations":["claim","heartbeat"],"cause":"connect ECONNREFUSED 127.0.0.1:5432"}',
    ]);
    await clock.advance(45_000);
    outage.succeeded("claim"); // heartbeats still fail: the outage goes on
    outage.failed("heartbeat", refused);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^warn: Storage calls still failing after 1 min: 3 calls failed/);
    await clock.advance(10_000);
    outage.succeeded("heartbeat");
    expect(lines.slice(3)).toEqual(['info: Storage is reachable again after 1 min 25 s (4 calls failed). {"workerId":"w1","lastedMs":85000,"failedCalls":4}']);
    await clock.advance(120_000);
    expect(lines).toHaveLength(4);
    expect(clock.sleepers).toBe(0);
    expect(lines.join("\n")).not.toMatch(/secret|Failed query/);
  });

  it("a new outage after recovery starts with its own ERROR; close() ends the repeat timer", async () => {
    const clock = new TestClock();
    const { logger, lines } = recordingLogger();
    const outage = new OutageReporter(clock, logger);
    outage.failed("complete", refused);
    outage.succeeded("complete");
    outage.failed("rescueExpired", driverError("database is locked", "SQLITE_BUSY", "SqliteError"));
    expect(lines.map((line) => line.split(":")[0])).toEqual(["error", "info", "error"]);
    expect(lines[2]).toContain("rescueExpired failed with SqliteError: database is locked (SQLITE_BUSY).");
    outage.close();
    expect(clock.sleepers).toBe(0);
    await clock.advance(60_000);
    expect(lines).toHaveLength(3);
  });
});
