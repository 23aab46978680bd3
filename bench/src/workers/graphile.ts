import { run, type Runner } from "graphile-worker";
import { GRAPHILE_TASK, silentGraphileLogger } from "../adapters/graphile.js";
import type { Payload } from "../payload.js";
import type { PrepareWorker } from "./types.js";

/** graphile-worker's `run()` with the profile's settings; it starts processing at once. */
export const prepare: PrepareWorker = async (target, profile, onTask) => {
  let runner: Runner | undefined;
  const concurrency = Number(profile.concurrency ?? 1);
  const localQueueSize = Number(profile.localQueueSize ?? -1);
  return {
    async start() {
      runner = await run({
        connectionString: target,
        concurrency,
        noHandleSignals: true,
        logger: silentGraphileLogger,
        ...(profile.maxPoolSize === undefined ? {} : { maxPoolSize: Number(profile.maxPoolSize) }),
        taskList: {
          [GRAPHILE_TASK]: async (payload) => {
            onTask(payload as Payload);
          },
        },
        preset: {
          worker: {
            ...(localQueueSize > 0 ? { localQueue: { size: localQueueSize } } : {}),
            ...(profile.completeJobBatchDelay === undefined ? {} : { completeJobBatchDelay: Number(profile.completeJobBatchDelay) }),
            ...(profile.failJobBatchDelay === undefined ? {} : { failJobBatchDelay: Number(profile.failJobBatchDelay) }),
          },
        },
      });
    },
    async stop() {
      await runner?.stop();
    },
  };
};
