import { PgBoss, type WorkOptions } from "pg-boss";
import { PGBOSS_QUEUE, pgBossOptions } from "../adapters/pgboss.js";
import type { Payload } from "../payload.js";
import type { PrepareWorker } from "./types.js";

/** pg-boss: one `work()` call with the profile's batch, concurrency and polling options. */
export const prepare: PrepareWorker = async (target, profile, onTask) => {
  const boss = new PgBoss({ ...pgBossOptions(target, 10), useListenNotify: profile.useListenNotify === true });
  boss.on("error", (error: Error) => console.error(`pg-boss worker: ${error.message}`));
  await boss.start();
  const options: WorkOptions = {
    ...(profile.batchSize === undefined ? {} : { batchSize: Number(profile.batchSize) }),
    ...(profile.localConcurrency === undefined ? {} : { localConcurrency: Number(profile.localConcurrency) }),
    ...(profile.burstWhenBatchFull === undefined ? {} : { burstWhenBatchFull: profile.burstWhenBatchFull === true }),
    ...(profile.pollingIntervalSeconds === undefined ? {} : { pollingIntervalSeconds: Number(profile.pollingIntervalSeconds) }),
  };
  return {
    async start() {
      await boss.work<Payload>(PGBOSS_QUEUE, options, async (jobs) => {
        for (const job of jobs) onTask(job.data);
      });
    },
    async stop() {
      await boss.stop({ graceful: true, timeout: 5_000 });
    },
  };
};
