import { sleep } from "../harness/time.js";
import type { Recovery } from "../report/recovery.js";
import { WARM_UP_FINISHED, runDrainScenario } from "./drain.js";
import { postgresDatabase, sqliteDatabase } from "./setup.js";
import type { Scenario } from "./types.js";

/** Seconds a worker may take to finish its running tasks after SIGTERM. */
const SHUTDOWN_TIMEOUT_S = 10;
/** Workers started afterwards to drain what is left. */
const SECOND_SHIFT = 2;

/** 100–500 ms: long enough that a busy worker has tens of tasks running at any moment. */
function longerWork(seq: number): number {
  return 100 + ((seq * 7919) % 401);
}

/**
 * SIGTERM to every worker under load: each must stop claiming, finish its running tasks,
 * and exit 0, leaving no task RUNNING; then fresh workers drain the rest.
 */
export function sigterm(dialect: "postgres" | "sqlite", tasks: number, workers: number): Scenario {
  const name = dialect === "postgres" ? "sigterm-pg" : "sigterm-sqlite";
  return {
    name,
    dialect,
    description: `SIGTERM to all ${workers} workers under load (tasks of 100–500 ms): exit 0, nothing left RUNNING; then ${SECOND_SHIFT} fresh workers drain the rest of ${tasks} tasks.`,
    async run(context) {
      const plan = { count: tasks, workMs: longerWork };
      const database = dialect === "postgres" ? await postgresDatabase(context, context.uniqueName(name), plan) : await sqliteDatabase(context.uniqueName(name), plan);
      let stopTime: number | null = null;
      try {
        return await runDrainScenario(
          context,
          {
            name,
            workers,
            concurrency: 50,
            leaseMs: 5_000,
            drainTimeoutMs: 60_000,
            startAfterFinished: WARM_UP_FINISHED,
            shutdownTimeoutS: SHUTDOWN_TIMEOUT_S,
            recovery: (): Recovery => ({ what: "SIGTERM → every worker exited", times: [stopTime] }),
            async inject(env) {
              const before = await env.database.store.statusCounts();
              const first = [...env.pool.alive];
              const fault = env.faults.instant("sigterm");
              for (const worker of first) worker.stop();
              await Promise.race([Promise.all(first.map((worker) => worker.exited)), sleep((SHUTDOWN_TIMEOUT_S + 10) * 1000)]);
              const exits = first.map((worker) => worker.exit);
              if (exits.every((exit) => exit !== null)) stopTime = Math.max(...exits.map((exit) => exit?.at ?? 0)) - fault.at;
              const after = await env.database.store.statusCounts();
              const leftRunning = after?.RUNNING ?? 0;
              if (leftRunning > 0) env.problems.push(`${leftRunning} tasks still RUNNING after every worker exited`);
              env.extras.push(
                `running at SIGTERM ${before?.RUNNING ?? "?"}`,
                `exit codes ${exits.map((exit) => (exit ? String(exit.code ?? exit.signal) : "none")).join(",")}`,
                `left RUNNING ${leftRunning}`,
              );
              env.pool.start(SECOND_SHIFT);
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
