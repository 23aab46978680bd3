import type { LibName } from "../adapters/types.js";
import { sleep } from "../scenarios/context.js";

/** Finished rows are kept this long (ours: prune's `keepMs`; pg-boss: the queue's `deleteAfterSeconds`). */
export const KEEP_FINISHED_S = 60;
/** How often ours prunes and pg-boss runs its maintenance. */
export const CLEANUP_EVERY_S = 10;
/** graphile-worker's garbage collection runs once a minute. */
const GRAPHILE_GC_EVERY_S = 60;

/** A library's cleanup running beside its workers during a sustained run. */
export interface RunningCleanup {
  /** One line on what it does, for the report. */
  readonly description: string;
  /** Stops it; resolves with what it did (e.g. rows pruned), for the log. */
  stop(): Promise<string>;
}

/** Starts `lib`'s own cleanup against the database at `url`, as a deployment of it would run it. */
export async function startCleanup(lib: LibName, url: string, log: (message: string) => void): Promise<RunningCleanup> {
  if (lib === "ours") return startPrune(log);
  if (lib === "graphile") return startGraphileGc(url, log);
  return startPgBossMaintenance(url);
}

/** Repeats `step` every `everyS` seconds until stopped (its signal aborts then); errors are logged, not fatal. */
function loop(everyS: number, step: (signal: AbortSignal) => Promise<void>, log: (message: string) => void): () => Promise<void> {
  let stopped = false;
  const abort = new AbortController();
  const running = (async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        await step(abort.signal);
      } catch (error) {
        if (!stopped) log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const waitMs = everyS * 1000 - (performance.now() - started);
      // Sleeps in short steps so stop() returns quickly.
      for (let waited = 0; !stopped && waited < waitMs; waited += 250) await sleep(Math.min(250, waitMs - waited));
    }
  })();
  return async () => {
    stopped = true;
    abort.abort();
    await running;
  };
}

// Ours: `pruneTasks` from the main process (the backend the ours adapter configured), as
// `tasks prune --keep 1m` from a scheduler would do; FAILED rows are kept so the check sees them.
async function startPrune(log: (message: string) => void): Promise<RunningCleanup> {
  const { pruneTasks } = await import("@tasks/core");
  let deleted = 0;
  let runs = 0;
  const stop = loop(
    CLEANUP_EVERY_S,
    async (signal) => {
      let chunkTotal = 0;
      const onProgress = (soFar: number) => (chunkTotal = soFar);
      try {
        await pruneTasks({ keepMs: KEEP_FINISHED_S * 1000, keepFailedMs: 7 * 24 * 3600 * 1000, signal, onProgress });
        runs++;
      } finally {
        // A prune stopped between chunks still deleted what it reported.
        deleted += chunkTotal;
      }
    },
    log,
  );
  return {
    description: `pruneTasks({ keepMs: ${KEEP_FINISHED_S} s }) every ${CLEANUP_EVERY_S} s (default chunks of 1,000 rows)`,
    async stop() {
      await stop();
      return `${runs} prunes deleted ${deleted.toLocaleString("en-US")} rows`;
    },
  };
}

// graphile-worker deletes a job when it succeeds; its documented gc is `cleanup()`.
// DELETE_PERMAFAILED_JOBS is left out so failed jobs stay visible to the check.
async function startGraphileGc(url: string, log: (message: string) => void): Promise<RunningCleanup> {
  const { makeWorkerUtils } = await import("graphile-worker");
  const { silentGraphileLogger } = await import("../adapters/graphile.js");
  const utils = await makeWorkerUtils({ connectionString: url, logger: silentGraphileLogger });
  let runs = 0;
  const stop = loop(
    GRAPHILE_GC_EVERY_S,
    async () => {
      await utils.cleanup({ tasks: ["GC_JOB_QUEUES"] });
      runs++;
    },
    log,
  );
  return {
    description: `deletes each job on success; cleanup({ tasks: ["GC_JOB_QUEUES"] }) every ${GRAPHILE_GC_EVERY_S} s`,
    async stop() {
      await stop();
      await utils.release();
      return `${runs} gc runs`;
    },
  };
}

// pg-boss: one instance with supervision on runs its maintenance (retention and deletion of
// finished jobs); the queue keeps completed jobs KEEP_FINISHED_S, like ours.
async function startPgBossMaintenance(url: string): Promise<RunningCleanup> {
  const { PgBoss } = await import("pg-boss");
  const { PGBOSS_QUEUE } = await import("../adapters/pgboss.js");
  const boss = new PgBoss({
    connectionString: url,
    max: 2,
    schedule: false,
    supervise: true,
    superviseIntervalSeconds: CLEANUP_EVERY_S,
    maintenanceIntervalSeconds: CLEANUP_EVERY_S,
  });
  const errors: string[] = [];
  boss.on("error", (error: Error) => errors.push(error.message));
  await boss.start();
  await boss.updateQueue(PGBOSS_QUEUE, { deleteAfterSeconds: KEEP_FINISHED_S });
  return {
    description: `its supervisor every ${CLEANUP_EVERY_S} s (maintenance interval ${CLEANUP_EVERY_S} s), queue deleteAfterSeconds ${KEEP_FINISHED_S}`,
    async stop() {
      await boss.stop({ graceful: false });
      return errors.length === 0 ? "no maintenance errors" : `${errors.length} maintenance errors, first: ${errors[0]}`;
    },
  };
}
