import { sleep } from "../harness/time.js";
import { shortWork } from "../harness/seed.js";
import { PgBouncer } from "../postgres/pgbouncer.js";
import { psql } from "../postgres/psql.js";
import { WARM_UP_FINISHED, runDrainScenario } from "./drain.js";
import { postgresDatabase } from "./setup.js";
import type { Scenario } from "./types.js";

const WORKERS = 3;
/** Ends the server connections PgBouncer holds for the workers (PgBouncer itself reconnects). */
const TERMINATE_SERVER_SIDE = `
  SELECT count(*) FROM (
    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend' AND application_name <> 'chaos-harness' AND query NOT ILIKE 'listen%'
  ) AS ended`;
const LISTENERS = `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen%'`;

/**
 * Session mode with too few server connections for every client: clients that wait longer
 * than `query_wait_timeout` are cut off with SQLSTATE 08P01, which must cost a retry, never a
 * worker (before: an unhandled rejection killed every worker).
 */
export function pgbouncerSession(tasks: number): Scenario {
  const name = "pgbouncer-session";
  return {
    name,
    dialect: "postgres",
    description: `${WORKERS} workers (pool of 4 each, LISTEN and atomic connections besides) drain ${tasks} tasks through PgBouncer in session mode with 16 server connections (fewer than the 21 clients) and a 2 s query_wait_timeout.`,
    async run(context) {
      const database = await postgresDatabase(context, context.uniqueName(name), { count: tasks, workMs: shortWork });
      const cluster = database.cluster;
      if (!cluster) throw new Error(`${name} needs the private Postgres cluster.`);
      let bouncer: PgBouncer | undefined;
      try {
        return await runDrainScenario(
          context,
          {
            name,
            workers: WORKERS,
            concurrency: 20,
            leaseMs: 5_000,
            drainTimeoutMs: 120_000,
            startAfterFinished: 0,
            recovery: "workers",
            async workerDatabase() {
              bouncer = await PgBouncer.start(cluster.port, { mode: "session", poolSize: 16, queryWaitTimeoutS: 2 });
              const url = new URL(bouncer.url(new URL(database.url as string).pathname.slice(1)));
              url.searchParams.set("max", "4");
              const opened = bouncer;
              return { database: { dialect: "postgres", url: url.href }, close: () => opened.stop() };
            },
            async inject(env) {
              const at = Date.now();
              // The fault is the exhausted pool itself: watch it while the queue drains.
              while (!(await env.drained()) && env.pool.alive.length > 0 && Date.now() - at < 60_000) await sleep(1_000);
              env.faults.window("pool exhausted", at);
              env.extras.push(`query_wait_timeouts ${bouncer?.logCount("query_wait_timeout") ?? "?"}`);
            },
          },
          database,
        );
      } finally {
        await database.drop();
      }
    },
  };
}

/**
 * Transaction mode, as most pooled deployments run: `prepare=false` in the URL, LISTEN on a
 * direct URL (`listenUrl`), and the server connections behind PgBouncer terminated every 2 s.
 * Wake-ups must keep arriving (LISTEN connections afterwards = live workers).
 */
export function pgbouncerTransaction(tasks: number): Scenario {
  const name = "pgbouncer-transaction";
  const ROUNDS = 5;
  return {
    name,
    dialect: "postgres",
    description: `${WORKERS} workers drain ${tasks} tasks through PgBouncer in transaction mode (prepare=false, LISTEN on a direct URL) while its server connections are terminated every 2 s (${ROUNDS} rounds).`,
    async run(context) {
      const database = await postgresDatabase(context, context.uniqueName(name), { count: tasks, workMs: shortWork });
      const cluster = database.cluster;
      if (!cluster) throw new Error(`${name} needs the private Postgres cluster.`);
      const direct = database.url as string;
      let bouncer: PgBouncer | undefined;
      try {
        return await runDrainScenario(
          context,
          {
            name,
            workers: WORKERS,
            concurrency: 50,
            leaseMs: 5_000,
            drainTimeoutMs: 90_000,
            startAfterFinished: WARM_UP_FINISHED,
            recovery: "workers",
            async workerDatabase() {
              bouncer = await PgBouncer.start(cluster.port, { mode: "transaction", poolSize: 20, queryWaitTimeoutS: 30 });
              const url = new URL(bouncer.url(new URL(direct).pathname.slice(1)));
              url.searchParams.set("prepare", "false");
              const opened = bouncer;
              return { database: { dialect: "postgres", url: url.href, listenUrl: direct }, close: () => opened.stop() };
            },
            async inject(env) {
              let terminated = 0;
              for (let round = 0; round < ROUNDS && !(await env.drained()); round++) {
                const [row] = await psql(direct, TERMINATE_SERVER_SIDE).catch(() => [["0"]]);
                env.faults.instant("terminate");
                terminated += Number(row?.[0] ?? 0);
                await sleep(2_000);
              }
              const listeners = await psql(direct, LISTENERS).catch(() => [["?"]]);
              env.extras.push(`server connections terminated ${terminated}`, `LISTEN connections ${listeners[0]?.[0] ?? "?"} for ${env.pool.alive.length} live workers`);
              const expected = String(env.pool.alive.length);
              if (listeners[0]?.[0] !== expected) env.problems.push(`expected ${expected} direct LISTEN connections, found ${listeners[0]?.[0] ?? "?"}`);
            },
          },
          database,
        );
      } finally {
        await database.drop();
      }
    },
  };
}
