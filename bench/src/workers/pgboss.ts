import PgBoss from "pg-boss";
import { PGBOSS_QUEUE, pgBossOptions } from "../adapters/pgboss.js";
import type { Payload } from "../payload.js";
import type { PrepareWorker } from "./types.js";

/** pg-boss `work()` (called `workers` times) with the profile's batch size and polling interval. */
export const prepare: PrepareWorker = async (target, profile, onTask) => {
  const boss = new PgBoss(pgBossOptions(target, 10));
  boss.on("error", (error: Error) => console.error(`pg-boss worker: ${error.message}`));
  await boss.start();
  const options: PgBoss.WorkOptions = {
    ...(profile.batchSize === undefined ? {} : { batchSize: Number(profile.batchSize) }),
    ...(profile.pollingIntervalSeconds === undefined ? {} : { pollingIntervalSeconds: Number(profile.pollingIntervalSeconds) }),
  };
  const workers = Number(profile.workers ?? 1);
  return {
    async start() {
      for (let i = 0; i < workers; i++) {
        await boss.work<Payload>(PGBOSS_QUEUE, options, async (jobs) => {
          for (const job of jobs) onTask(job.data);
        });
      }
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 5_000 });
    },
  };
};
