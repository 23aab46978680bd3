import { shortWork } from "../harness/seed.js";
import { runDrainScenario } from "./drain.js";
import { postgresDatabase } from "./setup.js";
import type { Scenario } from "./types.js";

/** No fault at all: the control for the others (duplicates and stalls with nothing going wrong). */
export function baseline(tasks: number): Scenario {
  const name = "baseline-pg";
  return {
    name,
    dialect: "postgres",
    description: `No fault: 3 workers drain ${tasks} tasks (the control).`,
    async run(context) {
      const database = await postgresDatabase(context, context.uniqueName(name), { count: tasks, workMs: shortWork });
      try {
        return await runDrainScenario(
          context,
          { name, workers: 3, concurrency: 50, leaseMs: 5_000, drainTimeoutMs: 60_000, startAfterFinished: 1, recovery: "workers", inject: async () => {} },
          database,
        );
      } finally {
        await database.drop();
      }
    },
  };
}
