import { LineChild } from "../harness/child-lines.js";
import { sleep } from "../harness/time.js";
import { shortWork } from "../harness/seed.js";
import { WARM_UP_FINISHED, runDrainScenario } from "./drain.js";
import { sqliteDatabase } from "./setup.js";
import type { Scenario } from "./types.js";

const WORKERS = 2;
const HOLD_MS = 5_000;
const ROUNDS = 3;
const GAP_MS = 2_000;

/** Another process takes the SQLite write lock (BEGIN IMMEDIATE) for 5 s, three times, 2 s apart. */
export function sqliteLock(tasks: number): Scenario {
  const name = "sqlite-lock";
  return {
    name,
    dialect: "sqlite",
    description: `Another process holds the SQLite write lock (BEGIN IMMEDIATE) for 5 s, three times, while ${WORKERS} workers drain ${tasks} tasks.`,
    async run(context) {
      const database = await sqliteDatabase(context.uniqueName(name), { count: tasks, workMs: shortWork });
      const holder = new LineChild("../fixture/lock-holder.ts", import.meta.url, [database.path as string]);
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
              let waitedForLock = 0;
              for (let round = 0; round < ROUNDS; round += 1) {
                if (round > 0) await sleep(GAP_MS);
                const from = holder.lines.length;
                const asked = Date.now();
                holder.send("lock");
                const locked = Number((await holder.waitForLine((line) => line.startsWith("locked "), 15_000, from)).split(" ")[1]);
                waitedForLock = Math.max(waitedForLock, locked - asked);
                await sleep(HOLD_MS);
                holder.send("release");
                await holder.waitForLine((line) => line.startsWith("released "), 15_000, from);
                env.faults.window("write-lock", locked);
              }
              env.extras.push(`locks ${ROUNDS} × ${HOLD_MS / 1000} s (longest wait to get the lock ${waitedForLock} ms)`);
            },
          },
          database,
        );
      } finally {
        await holder.finish(5_000);
        await database.drop();
      }
    },
  };
}
