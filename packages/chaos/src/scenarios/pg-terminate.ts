import { sleep } from "../harness/time.js";
import { shortWork } from "../harness/seed.js";
import { psql } from "../postgres/psql.js";
import { WARM_UP_FINISHED, runDrainScenario } from "./drain.js";
import { postgresDatabase } from "./setup.js";
import type { Scenario } from "./types.js";

const WORKERS = 3;
/** Rounds of termination at most (one every 2 s). */
const MAX_ROUNDS = 30;

/** Ends every client backend of the database but the harness's own, and says how many were LISTENing. */
const TERMINATE_ALL = `
  SELECT count(*), count(*) FILTER (WHERE query ILIKE 'listen%')
  FROM (
    SELECT query, pg_terminate_backend(pid)
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend' AND application_name <> 'chaos-harness'
  ) AS ended`;

const LISTENERS = `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen%'`;

/** `pg_terminate_backend` on every worker connection, LISTEN included, every 2 s, while tasks remain (at most 30 s). */
export function pgTerminate(tasks: number): Scenario {
  const name = "pg-terminate";
  return {
    name,
    dialect: "postgres",
    description: `pg_terminate_backend on every worker connection (LISTEN included) every 2 s while ${WORKERS} workers drain ${tasks} tasks (at most ${MAX_ROUNDS} rounds).`,
    async run(context) {
      const database = await postgresDatabase(context, context.uniqueName(name), { count: tasks, workMs: shortWork });
      const url = database.url as string;
      try {
        return await runDrainScenario(
          context,
          {
            name,
            workers: WORKERS,
            concurrency: 50,
            leaseMs: 5_000,
            drainTimeoutMs: 60_000,
            startAfterFinished: WARM_UP_FINISHED,
            recovery: "workers",
            async inject(env) {
              let rounds = 0;
              let backends = 0;
              let listeners = 0;
              while (rounds < MAX_ROUNDS && !(await env.drained()) && env.pool.alive.length > 0) {
                const [row] = await psql(url, TERMINATE_ALL).catch(() => [["0", "0"]]);
                env.faults.instant("terminate");
                backends += Number(row?.[0] ?? 0);
                listeners += Number(row?.[1] ?? 0);
                rounds += 1;
                await sleep(2_000);
              }
              // LISTEN should have come back by itself by now, in every live worker.
              await sleep(2_000);
              const back = await psql(url, LISTENERS).catch(() => [["?"]]);
              env.extras.push(`terminations ${rounds} (${backends} backends, ${listeners} of them LISTEN)`, `LISTEN connections afterwards ${back[0]?.[0] ?? "?"} for ${env.pool.alive.length} live workers`);
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
