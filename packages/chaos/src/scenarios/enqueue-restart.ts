import type { EnqueueOutcome } from "../fixture/enqueue-outcome.js";
import { parseOutcomes } from "../fixture/enqueue-outcome.js";
import { LineChild } from "../harness/child-lines.js";
import { sleep } from "../harness/time.js";
import type { Recovery } from "../report/recovery.js";
import type { Snapshot } from "../report/store.js";
import { runDrainScenario, type FaultEnv } from "./drain.js";
import { postgresDatabase } from "./setup.js";
import type { Scenario } from "./types.js";

const APP_MS = 20_000;
/** An enqueue still pending after this long counts as hung. */
const HANG_MS = 15_000;
const WORKERS = 2;

/**
 * An app enqueues one task at a time for 20 s while Postgres restarts (fast restart at 3 s,
 * immediate stop about 5 s later, started again 5 s after that). Every enqueue must resolve and be stored,
 * or reject with a clear error (one of the product's TasksErrors); none may hang.
 */
export function enqueueRestart(): Scenario {
  const name = "enqueue-restart";
  return {
    name,
    dialect: "postgres",
    description: `An app enqueues one task at a time for ${APP_MS / 1000} s while Postgres restarts (restart -m fast, then stop -m immediate + start after 5 s); ${WORKERS} workers drain.`,
    async run(context) {
      const database = await postgresDatabase(context, context.uniqueName(name), { count: 0, workMs: () => 0 });
      const url = database.url as string;
      let outcomes: EnqueueOutcome[] = [];
      try {
        return await runDrainScenario(
          context,
          {
            name,
            workers: WORKERS,
            concurrency: 50,
            leaseMs: 5_000,
            drainTimeoutMs: 60_000,
            startAfterFinished: 0,
            recovery: (_snapshot, faults): Recovery => ({
              what: "server back → first enqueue stored",
              times: faults.faults.map((fault) => {
                const next = outcomes.find((outcome) => outcome.kind === "stored" && outcome.at >= fault.clearedAt);
                return next ? next.at - fault.clearedAt : null;
              }),
            }),
            async inject(env) {
              const app = new LineChild("../fixture/enqueue-app.ts", import.meta.url, [url, String(APP_MS), String(HANG_MS)]);
              const cluster = env.database.cluster;
              if (!cluster) throw new Error("enqueue-restart needs the private Postgres cluster.");
              await sleep(3_000);
              let at = Date.now();
              await cluster.restartFast();
              env.faults.window("restart", at);
              await sleep(5_000);
              at = Date.now();
              await cluster.stopImmediate();
              await sleep(5_000);
              await cluster.start();
              env.faults.window("stop-immediate", at);
              const exit = await Promise.race([app.exited, sleep(APP_MS + HANG_MS + 10_000).then(() => null)]);
              if (exit === null) await app.finish(1_000);
              outcomes = parseOutcomes(app.lines);
              if (!app.lines.includes("done")) {
                env.problems.push(`the app did not finish (exit ${exit ? String(exit.code ?? exit.signal) : "none: killed"})`);
                env.evidence.push(`app stderr:\n${app.stderr.text}`);
              }
            },
            afterStop: (env, snapshot) => checkOutcomes(env, snapshot, outcomes),
          },
          database,
        );
      } finally {
        await database.drop();
      }
    },
  };
}

/** Compares what the app was told with what was stored. */
function checkOutcomes(env: FaultEnv, snapshot: Snapshot, outcomes: readonly EnqueueOutcome[]): void {
  const storedIds = new Set(snapshot.tasks.map((task) => task.id));
  const stored = outcomes.filter((outcome) => outcome.kind === "stored");
  const rejected = outcomes.filter((outcome) => outcome.kind === "rejected");
  const hung = outcomes.filter((outcome) => outcome.kind === "hung");
  const missing = stored.filter((outcome) => !storedIds.has(outcome.id));
  const slowest = Math.max(0, ...stored.map((outcome) => outcome.ms), ...rejected.map((outcome) => outcome.ms));
  const messages = [...new Set(rejected.map((outcome) => outcome.error))];
  env.extras.push(
    `enqueues ${outcomes.filter((outcome) => outcome.kind !== "late").length}: ${stored.length} resolved, ${rejected.length} rejected, ${hung.length} hung`,
    `stored though rejected ${snapshot.tasks.length - (stored.length - missing.length)}`,
    `slowest settle ${(slowest / 1000).toFixed(1)} s`,
    `rejections: ${messages.slice(0, 3).map((message) => JSON.stringify(message.slice(0, 160))).join("; ") || "none"}`,
  );
  if (missing.length > 0) env.problems.push(`${missing.length} resolved enqueues not stored`);
  if (hung.length > 0) env.problems.push(`${hung.length} enqueues hung for ${HANG_MS / 1000} s or more`);
  // Clear = the product's own error (DESIGN.md: one base class, full sentences that say what to
  // do), not a driver's or a socket's: the caller must be able to tell a storage outage apart.
  const raw = rejected.filter((outcome) => !outcome.tasksError);
  if (raw.length > 0) env.problems.push(`${raw.length} of ${rejected.length} rejections were raw driver or socket errors, not TasksErrors`);
}
