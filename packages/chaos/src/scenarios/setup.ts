import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postgresBackend } from "@tasks/backend-drizzle/pg";
import { sqliteBackend } from "@tasks/backend-drizzle/sqlite";
import { enqueueTasks, seedTasks, type SeedPlan } from "../harness/seed.js";
import type { PrivateCluster } from "../postgres/cluster.js";
import { createScenarioDatabase, dropScenarioDatabase } from "../postgres/database.js";
import { postgresStore } from "../postgres/store.js";
import { createExecutionsTable } from "../sqlite/database.js";
import { sqliteStore } from "../sqlite/store.js";
import type { TaskStore } from "../report/store.js";
import type { SuiteContext } from "./types.js";

/** A scenario's own database, migrated, with the executions table and (optionally) seeded tasks. */
export interface ScenarioDatabase {
  readonly store: TaskStore;
  /** The Postgres URL, or null on SQLite. */
  readonly url: string | null;
  /** The SQLite file, or null on Postgres. */
  readonly path: string | null;
  readonly cluster: PrivateCluster | null;
  /**
   * Enqueues `count` more tasks (numbered from `firstSeq`) through the product's API. Only
   * while the database itself is not being faulted: the harness's own driver would meet it.
   */
  enqueueMore(count: number, firstSeq: number): Promise<void>;
  drop(): Promise<void>;
}

/** Creates database `name` on the private cluster and enqueues `plan`. */
export async function postgresDatabase(context: SuiteContext, name: string, plan: SeedPlan): Promise<ScenarioDatabase> {
  const cluster = await context.cluster();
  const url = await createScenarioDatabase(cluster, name);
  const backend = postgresBackend({ url, listen: false });
  await seedTasks(backend, plan);
  return {
    store: postgresStore(url),
    url,
    path: null,
    cluster,
    enqueueMore: (count, firstSeq) => enqueueTasks(postgresBackend({ url, listen: false }), { count, workMs: plan.workMs }, firstSeq),
    drop: () => dropScenarioDatabase(cluster, name).catch(() => {}),
  };
}

/** Creates a SQLite file in a temporary folder and enqueues `plan`. */
export async function sqliteDatabase(name: string, plan: SeedPlan): Promise<ScenarioDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "tasks-chaos-sqlite-"));
  const path = join(dir, `${name}.db`);
  await seedTasks(sqliteBackend({ path }), plan);
  createExecutionsTable(path);
  return {
    store: sqliteStore(path),
    url: null,
    path,
    cluster: null,
    enqueueMore: (count, firstSeq) => enqueueTasks(sqliteBackend({ path }), { count, workMs: plan.workMs }, firstSeq),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
