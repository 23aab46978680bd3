import { sleep } from "../harness/time.js";
import { shortWork } from "../harness/seed.js";
import { runDrainScenario } from "./drain.js";
import { postgresDatabase, sqliteDatabase } from "./setup.js";
import type { Scenario } from "./types.js";

/** Kills per storm (one a second, while tasks remain). */
const KILLS = 15;
/** Seconds the storm may last in all (it waits for a replacement to register before a kill). */
const STORM_LIMIT_MS = 45_000;
/** While kills remain, the queue is topped up by this many tasks whenever fewer are left unfinished. */
const TOP_UP = 1_000;
/** Top-ups at most. */
const MAX_TOP_UPS = 20;

/** Sizes of a kill storm. */
export interface KillStormOptions {
  readonly tasks: number;
  readonly workers: number;
}

/**
 * SIGKILL one worker a second and start a replacement at once, 15 times. The queue is topped
 * up while kills remain, so the storm does not end early on a fast machine. The victim is chosen at random among workers that have registered (heartbeated),
 * so every kill hits a worker that can hold tasks rather than one still loading its code.
 * Lease 1 s, as in issue 11.
 */
export function killStorm(dialect: "postgres" | "sqlite", options: KillStormOptions): Scenario {
  const name = dialect === "postgres" ? "kill-pg" : "kill-sqlite";
  return {
    name,
    dialect,
    description: `SIGKILL one of ${options.workers} workers every second (${KILLS} kills) and start a replacement, while ${options.tasks} tasks (topped up by ${TOP_UP} whenever fewer are left) drain (1 s lease).`,
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
              let topUps = 0;
              let nextSeq = options.tasks;
              const until = Date.now() + STORM_LIMIT_MS;
              while (kills < KILLS && Date.now() < until && !(await env.drained())) {
                // Keep work queued so the storm lasts its 15 kills however fast this machine drains.
                const now = await env.progress();
                if (now && now.total - now.finished < TOP_UP && topUps < MAX_TOP_UPS) {
                  await env.database.enqueueMore(TOP_UP, nextSeq);
                  nextSeq += TOP_UP;
                  topUps += 1;
                }
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
              env.extras.push(`kills ${kills}`, `top-ups ${topUps} × ${TOP_UP}`);
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
