import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { closeTasks, configureTasks, silentLogger, task, unregisterTasks } from "@tasks/core";
import { migrate, sqliteBackend } from "@tasks/backend-drizzle/sqlite";
import { OURS_TASK } from "../adapters/ours.js";
import type { LibSession } from "../adapters/types.js";
import type { Payload } from "../payload.js";
import { errorText, type Scenario } from "./context.js";
import { DRAIN_COUNT, DRAIN_DEADLINE_MS, drainFigure, queueWithBulk } from "./drain.js";
import { runWorkers } from "./run-workers.js";

const ROW = "sqlite_drain (defaults)";

/** A session on an SQLite file: enqueue through our backend, counts read with a plain connection. */
async function openSqliteSession(file: string): Promise<LibSession> {
  const backend = sqliteBackend({ path: file });
  await migrate(backend.db);
  configureTasks({ backends: { default: backend }, logger: silentLogger });
  unregisterTasks(OURS_TASK);
  const noop = task({ name: OURS_TASK }, (_payload: Payload) => {});
  const reader = new Database(file, { readonly: true });
  const count = (statement: string) => (reader.prepare(statement).get() as { c: number }).c;
  return {
    enqueueOne: async (payload) => void (await noop.enqueue(payload)),
    enqueueMany: async (batch) => void (await noop.enqueueMany(batch.map((payload) => [payload]))),
    loadReady: async () => {
      throw new Error("sqlite_drain loads its tasks with enqueueMany.");
    },
    loadFinished: async () => false,
    progress: async () => ({
      succeeded: count("SELECT count(*) AS c FROM tasks_results WHERE status = 'SUCCESSFUL'"),
      failed: count("SELECT count(*) AS c FROM tasks_results WHERE status IN ('FAILED', 'CANCELLED')"),
      pending: count("SELECT count(*) AS c FROM tasks_queue"),
    }),
    stored: async () => ({ rows: count("SELECT (SELECT count(*) FROM tasks_queue) + (SELECT count(*) FROM tasks_results) AS c"), distinctN: -1 }),
    close: async () => {
      reader.close();
      await closeTasks();
    },
  };
}

/** 50,000 no-op tasks on one SQLite file, one worker process, default worker settings. */
export const sqliteDrain: Scenario = async (ctx) => {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-sqlite-"));
  try {
    const file = path.join(dir, "tasks.db");
    const session = await openSqliteSession(file);
    try {
      await queueWithBulk(ctx, session, DRAIN_COUNT);
      const outcome = await runWorkers(ctx, {
        session,
        target: file,
        profile: ctx.adapter.profiles.defaults ?? {},
        procs: 1,
        total: DRAIN_COUNT,
        deadlineMs: DRAIN_DEADLINE_MS,
        until: "all",
      });
      const figure = drainFigure(outcome, DRAIN_COUNT);
      ctx.table.add(ROW, "tasks/s", "higher", "ours", figure);
      ctx.log(`${ROW}: ${figure.failed ?? Math.round(figure.value ?? 0)} ${figure.note ?? ""}`);
    } finally {
      await session.close();
    }
  } catch (error) {
    ctx.table.add(ROW, "tasks/s", "higher", "ours", { value: null, failed: errorText(error) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
