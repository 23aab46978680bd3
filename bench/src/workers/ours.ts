import { closeTasks, configureTasks, silentLogger, task, Worker, type TaskBackend } from "@tasks/core";
import { OURS_TASK } from "../adapters/ours.js";
import type { Payload } from "../payload.js";
import { benchTelemetry, benchTelemetryWanted } from "./otel.js";
import type { PrepareWorker } from "./types.js";

async function openBackend(target: string): Promise<TaskBackend> {
  if (target.startsWith("postgres://")) {
    const { PostgresBackend } = await import("@tasks/backend-drizzle/pg");
    return new PostgresBackend({ url: target });
  }
  const { sqliteBackend } = await import("@tasks/backend-drizzle/sqlite");
  return sqliteBackend({ path: target });
}

/** This project's `Worker` on Postgres (a URL) or SQLite (a file path). */
export const prepare: PrepareWorker = async (target, profile, onTask) => {
  const backend = await openBackend(target);
  const otel = benchTelemetryWanted() ? await benchTelemetry() : null;
  configureTasks({ backends: { default: backend }, logger: silentLogger, ...(otel ? { telemetry: otel.telemetry } : {}) });
  task({ name: OURS_TASK }, (payload: Payload) => {
    onTask(payload);
  });
  const worker = new Worker({
    logger: silentLogger,
    ...(profile.concurrency === undefined ? {} : { concurrency: Number(profile.concurrency) }),
    ...(profile.pollIntervalMs === undefined ? {} : { pollIntervalMs: Number(profile.pollIntervalMs) }),
  });
  let running: Promise<unknown> | undefined;
  return {
    async start() {
      running = worker.run();
    },
    async stop() {
      worker.stop();
      await running;
      await closeTasks();
      await otel?.shutdown();
    },
  };
};
