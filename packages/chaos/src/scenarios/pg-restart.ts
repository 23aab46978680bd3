import { sleep } from "../harness/time.js";
import { shortWork } from "../harness/seed.js";
import { WARM_UP_FINISHED, runDrainScenario, type FaultEnv } from "./drain.js";
import { postgresDatabase } from "./setup.js";
import type { Scenario } from "./types.js";

const WORKERS = 3;

/** `pg_ctl restart -m fast`, twice, 3 s apart, mid-drain. */
export function pgRestartFast(tasks: number): Scenario {
  return restartScenario("pg-restart-fast", tasks, `pg_ctl restart -m fast twice, 3 s apart, while ${WORKERS} workers drain ${tasks} tasks.`, async (env) => {
    const cluster = requireCluster(env);
    for (let round = 0; round < 2; round += 1) {
      if (round > 0) await sleep(3_000);
      const at = Date.now();
      await cluster.restartFast();
      env.faults.window("restart", at);
    }
  });
}

/** `pg_ctl stop -m immediate`, 5 s down, then start, mid-drain. */
export function pgStopImmediate(tasks: number): Scenario {
  return restartScenario("pg-stop-immediate", tasks, `pg_ctl stop -m immediate, start again after 5 s, while ${WORKERS} workers drain ${tasks} tasks.`, async (env) => {
    const cluster = requireCluster(env);
    const at = Date.now();
    await cluster.stopImmediate();
    await sleep(5_000);
    await cluster.start();
    env.faults.window("stop-immediate", at);
  });
}

function restartScenario(name: string, tasks: number, description: string, inject: (env: FaultEnv) => Promise<void>): Scenario {
  return {
    name,
    dialect: "postgres",
    description,
    async run(context) {
      const database = await postgresDatabase(context, context.uniqueName(name), { count: tasks, workMs: shortWork });
      try {
        return await runDrainScenario(
          context,
          { name, workers: WORKERS, concurrency: 50, leaseMs: 5_000, drainTimeoutMs: 60_000, startAfterFinished: WARM_UP_FINISHED, recovery: "workers", inject },
          database,
        );
      } finally {
        await database.drop();
      }
    },
  };
}

function requireCluster(env: FaultEnv) {
  if (!env.database.cluster) throw new Error("This scenario needs the private Postgres cluster.");
  return env.database.cluster;
}
