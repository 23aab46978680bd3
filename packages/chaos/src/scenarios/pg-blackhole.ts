import { BlackholeProxy } from "../harness/proxy.js";
import { sleep } from "../harness/time.js";
import { shortWork } from "../harness/seed.js";
import { WARM_UP_FINISHED, runDrainScenario } from "./drain.js";
import { postgresDatabase } from "./setup.js";
import type { Scenario } from "./types.js";

const WORKERS = 3;
const BLACKHOLE_MS = 30_000;

/**
 * Workers reach Postgres through a loopback TCP proxy, which stops forwarding for 30 s
 * without closing anything: a half-open link, as a dead NAT entry or a partition makes.
 */
export function pgBlackhole(tasks: number): Scenario {
  const name = "pg-blackhole";
  return {
    name,
    dialect: "postgres",
    description: `A TCP proxy between ${WORKERS} workers and Postgres stops forwarding (nothing closed) for 30 s mid-drain of ${tasks} tasks.`,
    async run(context) {
      const database = await postgresDatabase(context, context.uniqueName(name), { count: tasks, workMs: shortWork });
      const cluster = database.cluster;
      if (!cluster) throw new Error("pg-blackhole needs the private Postgres cluster.");
      let proxy: BlackholeProxy | undefined;
      try {
        return await runDrainScenario(
          context,
          {
            name,
            workers: WORKERS,
            concurrency: 50,
            leaseMs: 5_000,
            drainTimeoutMs: 90_000,
            startAfterFinished: WARM_UP_FINISHED,
            recovery: "workers",
            async workerDatabase() {
              proxy = await BlackholeProxy.start(cluster.port);
              const url = new URL(database.url as string);
              url.port = String(proxy.port);
              const opened = proxy;
              return { database: { dialect: "postgres", url: url.href }, close: () => opened.close() };
            },
            async inject(env) {
              if (!proxy) throw new Error("The proxy did not start.");
              const at = Date.now();
              proxy.blackhole();
              env.extras.push(`links held ${proxy.connections}`);
              await sleep(BLACKHOLE_MS);
              proxy.heal();
              env.faults.window("blackhole", at);
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
