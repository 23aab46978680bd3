import { pollUntil } from "../harness/time.js";
import { FaultLog } from "../report/faults.js";
import { killRecovery, longestStall, workerRecovery, type Recovery, type WorkerSpan } from "../report/recovery.js";
import type { Progress, Snapshot } from "../report/store.js";
import { passed, type ScenarioResult } from "../report/summary.js";
import { tallyOf } from "../report/tally.js";
import { WorkerPool } from "../workers/pool.js";
import { createWorkspace, type WorkerDatabase, type Workspace } from "../workers/workspace.js";
import type { ScenarioDatabase } from "./setup.js";
import type { SuiteContext } from "./types.js";

/** What a scenario's fault script can reach. */
export interface FaultEnv {
  readonly pool: WorkerPool;
  readonly faults: FaultLog;
  readonly database: ScenarioDatabase;
  readonly workspace: Workspace;
  readonly context: SuiteContext;
  /** Latest counts (null while the database cannot be read). */
  progress(): Promise<Progress | null>;
  /** True once every stored task is finished. */
  drained(): Promise<boolean>;
  /** Scenario-specific counts and failures, reported on the summary line. */
  readonly extras: string[];
  readonly problems: string[];
  readonly evidence: string[];
}

/** A scenario that drains a seeded queue with real workers while faults are injected. */
export interface DrainSpec {
  readonly name: string;
  readonly workers: number;
  readonly concurrency: number;
  readonly leaseMs: number;
  /** Longest wait for the queue to drain once the fault script has returned. */
  readonly drainTimeoutMs: number;
  /** Finished tasks to wait for (besides every worker registering) before the fault script starts. */
  readonly startAfterFinished: number;
  readonly shutdownTimeoutS?: number;
  /** How recovery is timed: per kill (its tasks running again) or per fault (every worker completing again). */
  readonly recovery: "kills" | "workers" | ((snapshot: Snapshot, faults: FaultLog) => Recovery);
  /** The database the workers connect to (defaults to the scenario database itself). */
  workerDatabase?(database: ScenarioDatabase): Promise<{ readonly database: WorkerDatabase; close(): Promise<void> }>;
  inject(env: FaultEnv): Promise<void>;
  /** Checks after every worker has stopped, before the snapshot. */
  afterStop?(env: FaultEnv, snapshot: Snapshot): Promise<void> | void;
}

/** Tasks finished before faults begin, in most scenarios: the workers are busy, and most of the queue is left. */
export const WARM_UP_FINISHED = 200;

/** Longest wait for the first tasks to finish once workers start (cold start included). */
const WARM_UP_TIMEOUT_MS = 30_000;

/** Runs `spec` on `database` and measures it. Always stops its workers and removes its folder. */
export async function runDrainScenario(context: SuiteContext, spec: DrainSpec, database: ScenarioDatabase): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const target = spec.workerDatabase
    ? await spec.workerDatabase(database)
    : { database: directDatabase(database), close: async () => {} };
  const workspace = createWorkspace(target.database, spec.leaseMs);
  const pool = new WorkerPool(workspace, { concurrency: spec.concurrency, shutdownTimeoutS: spec.shutdownTimeoutS ?? 10 }, "w");
  const faults = new FaultLog();
  const progress = (): Promise<Progress | null> => database.store.progress();
  const env: FaultEnv = {
    pool,
    faults,
    database,
    workspace,
    context,
    progress,
    drained: async () => {
      const now = await progress();
      return now !== null && now.finished >= now.total;
    },
    extras: [],
    problems: [],
    evidence: [],
  };
  try {
    pool.start(spec.workers);
    // Faults start once every worker has registered (its start-up check is behind it) and the
    // queue is busy: a fault during start-up is a different question (see README).
    const warm = await pollUntil(
      async () => {
        if (pool.alive.length === 0) return true;
        const registered = await database.store.registeredWorkers();
        if (!pool.alive.every((worker) => registered.has(worker.id))) return false;
        return ((await progress())?.finished ?? 0) >= spec.startAfterFinished;
      },
      { timeoutMs: WARM_UP_TIMEOUT_MS, everyMs: 100 },
    );
    if (!warm) env.problems.push(`the workers had not registered and finished ${spec.startAfterFinished} tasks ${WARM_UP_TIMEOUT_MS / 1000} s after starting`);
    context.note(`${spec.name}: workers busy after ${((Date.now() - startedAt) / 1000).toFixed(1)} s, injecting faults`);
    await spec.inject(env);
    context.note(`${spec.name}: faults done, waiting for the drain`);
    await pollUntil(async () => (await env.drained()) || pool.alive.length === 0, { timeoutMs: spec.drainTimeoutMs, everyMs: 250 });
  } finally {
    await pool.stopAll(() => database.store.registeredWorkers());
    await target.close();
  }
  const snapshot = await database.store.snapshot();
  await spec.afterStop?.(env, snapshot);
  const firstFault = faults.faults[0]?.at ?? null;
  const died = new Set(pool.deaths().map((death) => death.workerId));
  const spans: WorkerSpan[] = pool.workers.map((worker) => ({ id: worker.id, startedAt: worker.startedAt, endedAt: worker.exit?.at ?? null, died: died.has(worker.id) }));
  const recovery =
    spec.recovery === "kills"
      ? killRecovery(snapshot, faults.faults)
      : spec.recovery === "workers"
        ? workerRecovery(snapshot, faults.faults, spans)
        : spec.recovery(snapshot, faults);
  const result: ScenarioResult = {
    name: spec.name,
    tally: tallyOf(snapshot, faults.faults),
    deaths: pool.deaths(),
    recovery,
    stallMs: firstFault === null ? null : longestStall(snapshot, firstFault),
    elapsedMs: Date.now() - startedAt,
    extras: env.extras,
    problems: env.problems,
    evidence: env.evidence,
    logsKeptIn: null,
  };
  // Kept when something went wrong: the workers' full logs are the evidence.
  if (passed(result)) {
    if (!process.env.CHAOS_KEEP_LOGS) workspace.remove();
    else console.log("logs kept in " + workspace.logDir);
    return result;
  }
  return { ...result, logsKeptIn: workspace.logDir };
}

function directDatabase(database: ScenarioDatabase): WorkerDatabase {
  if (database.url !== null) return { dialect: "postgres", url: database.url };
  if (database.path !== null) return { dialect: "sqlite", path: database.path };
  throw new Error("A scenario database has neither a URL nor a path.");
}
