import { psql } from "./psql.js";
import type { PrivateCluster } from "./cluster.js";

const EXECUTIONS_DDL = `
  CREATE TABLE chaos_executions (
    run_id text PRIMARY KEY,
    task_id text NOT NULL,
    seq integer NOT NULL,
    worker_id text NOT NULL,
    attempt integer NOT NULL,
    atomic boolean NOT NULL,
    started_ms bigint NOT NULL,
    recorded_ms bigint NOT NULL
  );
  CREATE INDEX chaos_executions_task_idx ON chaos_executions (task_id);`;

/** Creates database `name` on the cluster with the executions side table; returns its URL. */
export async function createScenarioDatabase(cluster: PrivateCluster, name: string): Promise<string> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
  await psql(cluster.url("postgres"), `CREATE DATABASE ${name}`);
  const url = cluster.url(name);
  await psql(url, EXECUTIONS_DDL);
  return url;
}

/** Drops database `name` (its connections included). */
export async function dropScenarioDatabase(cluster: PrivateCluster, name: string): Promise<void> {
  await psql(cluster.url("postgres"), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
