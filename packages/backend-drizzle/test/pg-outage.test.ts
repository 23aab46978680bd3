/**
 * A real Postgres outage, as a worker logs it: the worker reaches the database through a TCP
 * proxy that the test stops (connections refused) and starts again. The worker's time is a
 * TestClock, so the 30 s between repeat lines pass without waiting.
 */
import { afterEach, describe, expect, it } from "vitest";
import { configureTasks, resetTasksConfiguration, ResultStatus, task, TestClock, unregisterTasks, Worker, type Logger } from "@tasks/core";
import { PostgresBackend } from "../src/pg/index.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";
import { TcpProxy } from "./helpers/tcp-proxy.js";

const available = await postgresAvailable();

describe.skipIf(!available)("Postgres outage, as the worker logs it", () => {
  const database = useTestDatabase();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    resetTasksConfiguration();
    unregisterTasks();
  });

  it("logs one ERROR naming the refused connection, a WARN every 30 s, one INFO when the database is back, and no SQL above debug", async () => {
    const target = new URL(database().url);
    const proxy = new TcpProxy(target);
    await proxy.start();
    cleanups.push(() => proxy.stop());
    // postgres.js waits before reconnecting, up to 20 s of real time after many failures; the
    // outage is minutes long on the TestClock but a second or two in real time.
    const backend = new PostgresBackend({
      connection: { host: "127.0.0.1", port: proxy.port, user: decodeURIComponent(target.username), database: target.pathname.slice(1), backoff: () => 0.01 },
      listen: false,
    });
    cleanups.push(() => backend.close());
    const lines: { level: string; text: string }[] = [];
    const write = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, text: `${message} ${JSON.stringify(fields ?? {})}` });
    const logger: Logger = { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
    const at = (level: string) => lines.filter((line) => line.level === level).map((line) => line.text);
    const clock = new TestClock();
    configureTasks({ backends: { default: { backend, queues: [] } }, clock, logger });
    const double = task({ name: "outage.double" }, (n: number) => n * 2);
    // Storage calls take real time while the clock jumps: small steps with real pauses keep a
    // call in flight (a reconnect, say) from missing many seconds of the worker's schedule.
    const step = async () => {
      await clock.advance(100);
      await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const until = async (what: string, check: () => boolean | Promise<boolean>) => {
      for (let steps = 0; !(await check()); steps++) {
        if (steps > 600) throw new Error(`The clock ran 60 s, but never ${what}.`);
        await step();
      }
    };

    const worker = new Worker({ queues: "*", concurrency: 50 });
    const run = worker.run();
    cleanups.push(async () => {
      worker.stop({ force: true });
      await clock.advance(60_000);
      await run.catch(() => {});
    });
    await until("the worker reported itself alive", async () => (await backend.health({ backend: "default", now: clock.now(), recentFailures: 0 })).workers.length === 1);

    await proxy.stop();
    for (let passed = 0; passed < 65_000; passed += 100) await step();
    expect(at("error")).toHaveLength(1);
    expect(at("warn")).toHaveLength(2);
    await proxy.start();
    await until("the worker logged that the database is back", () => at("info").some((text) => text.includes("reachable again")));
    const result = await double.enqueue(21);
    await until("a task enqueued after the outage ran", async () => (await result.refresh()).status === ResultStatus.SUCCESSFUL);
    expect(result.returnValue).toBe(42);
    worker.stop();
    await run;

    // A call in flight when the proxy stopped sees its connection closed; later ones are refused.
    expect(at("error")).toEqual([
      expect.stringMatching(new RegExp(`^Storage calls are failing: \\w+ failed with (connect ECONNREFUSED|write CONNECTION_CLOSED) 127\\.0\\.0\\.1:${proxy.port}\\.`)),
    ]);
    expect(at("error")[0]).toMatch(/"code":"(ECONNREFUSED|CONNECTION_CLOSED)"/);
    expect(at("warn")).toEqual([
      expect.stringMatching(/^Storage calls still failing after 30 s: \d+ calls failed \(.+\); latest: connect ECONNREFUSED/),
      expect.stringMatching(/^Storage calls still failing after 1 min: \d+ calls failed/),
    ]);
    expect(at("info")).toEqual([
      expect.stringMatching(/^Worker started\./),
      expect.stringMatching(/^Storage is reachable again after 1 min \d+ s \(\d+ calls failed\)\./),
      expect.stringMatching(/^Worker stopped\./),
    ]);
    const loud = lines.filter((line) => line.level !== "debug");
    expect(loud.filter((line) => /Failed query|tasks_results|tasks_workers|insert into|select /i.test(line.text))).toEqual([]);
    // Drizzle's message with the statement is kept for debug logging.
    expect(at("debug").some((text) => text.includes("Failed query"))).toBe(true);
  }, 60_000);
});
