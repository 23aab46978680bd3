import { sleep } from "../harness/time.js";
import { shortWork } from "../harness/seed.js";
import { runDrainScenario } from "./drain.js";
import { postgresDatabase, sqliteDatabase } from "./setup.js";
import type { Scenario } from "./types.js";

/** Kills per storm (one a second, while tasks remain). */
const KILLS = 15;
/** Seconds the storm may last in all (it waits for a replacement to register before a kill). */
const STORM_LIMIT_MS = 45_000;

/** Sizes of a kill storm. */
export interface KillStormOptions {
  readonly tasks: number;
  readonly workers: number;
}

/**
 * SIGKILL one worker a second and start a replacement at once, 15 times or until the queue is
 * drained. The victim is chosen at random among workers that have registered (heartbeated),
 * so every kill hits a worker that can hold tasks rather than one still loading its code.
 * Lease 1 s, as in issue 11.
 */
export function killStorm(dialect: "postgres" | "sqlite", options: KillStormOptions): Scenario {
  const name = dialect === "postgres" ? "kill-pg" : "kill-sqlite";
  return {
    name,
    dialect,
    description: `SIGKILL one of ${options.workers} workers every second (${KILLS} kills) and start a replacement, while ${options.tasks} tasks drain (1 s lease).`,
    async run(context) {
      const plan = { count: options.tasks, workMs: shortWork };
      const database = dialect === "postgres" ? await postgresDatabase(context, context.uniqueName(name), plan) : await sqliteDatabase(context.uniqueName(name), plan);
      try {
        return await runDrainScenario(
          context,
          {
            name,
            workers: options.workers,
            concurrency: 50,
            leaseMs: 1_000,
            drainTimeoutMs: 60_000,
            startAfterFinished: 1,
            recovery: "kills",
            async inject(env) {
              let kills = 0;
              const until = Date.now() + STORM_LIMIT_MS;
              while (kills < KILLS && Date.now() < until && !(await env.drained())) {
                await sleep(1_000);
                const registered = await env.database.store.registeredWorkers();
                const ready = env.pool.alive.filter((worker) => registered.has(worker.id));
                const victim = ready[Math.floor(Math.random() * ready.length)];
                if (!victim) continue;
                env.faults.instant("kill", victim.id);
                victim.kill();
                env.pool.spawnOne();
                kills += 1;
              }
              env.extras.push(`kills ${kills}`);
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
