/**
 * A LISTEN connection that stops hearing notifications without the driver knowing: here its
 * socket goes half-open (a proxy stops forwarding without closing). postgres.js also drops a
 * channel silently when its automatic re-LISTEN after a reconnect fails. Either way the
 * backend's LISTEN check notices the silence and subscribes again on a new connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureTasks, resetTasksConfiguration, type Logger } from "@tasks/core";
import { PostgresBackend } from "../src/pg/index.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";
import { TcpProxy } from "./helpers/tcp-proxy.js";

const available = await postgresAvailable();

describe.skipIf(!available)("Postgres LISTEN check", () => {
  const database = useTestDatabase();
  const proxy = { current: null as TcpProxy | null };
  const warnings: string[] = [];
  let backend: PostgresBackend;

  beforeAll(async () => {
    const target = new URL(database().url);
    proxy.current = new TcpProxy(target);
    await proxy.current.start();
    backend = new PostgresBackend({
      connection: { host: "127.0.0.1", port: proxy.current.port, user: decodeURIComponent(target.username), database: target.pathname.slice(1), max: 2 },
      listenCheckMs: Number(process.env.TASKS_TEST_LISTEN_CHECK_MS ?? 300),
    });
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (message) => void warnings.push(message) };
    configureTasks({ backends: { default: { backend, queues: [] } }, logger });
  });
  afterAll(async () => {
    resetTasksConfiguration();
    await backend?.close();
    await proxy.current?.stop();
  });

  async function notifyUntilHeard(heard: string[], queue: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await database().client`SELECT pg_notify('tasks_enqueued', ${queue})`;
      if (heard.includes(queue)) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return heard.includes(queue);
  }

  it("subscribes again on a new connection when the LISTEN connection goes silent, warns once, and never hands the check's '*' to listeners", async () => {
    const heard: string[] = [];
    const unsubscribe = backend.onTasksAvailable((queue) => heard.push(queue));
    try {
      expect(await notifyUntilHeard(heard, "before", 5_000)).toBe(true);
      expect(proxy.current!.blackHole(/listen "tasks_enqueued"/i)).toBe(1);
      expect(await notifyUntilHeard(heard, "after", 15_000)).toBe(true);
      expect(heard).not.toContain("*");
      expect(warnings).toEqual([expect.stringMatching(/^The LISTEN connection of the Postgres backend heard nothing within 3000 ms of a check; subscribing again\./)]);
    } finally {
      unsubscribe();
    }
  }, 30_000);

  it("rejects a listenCheckMs outside 100 ms to 1 hour, naming the option", () => {
    expect(() => new PostgresBackend({ url: database().url, listenCheckMs: 5 })).toThrow(
      /postgresBackend\(\) option "listenCheckMs" must be a number of milliseconds from 100 to 3600000; got number 5\./,
    );
  });
});
