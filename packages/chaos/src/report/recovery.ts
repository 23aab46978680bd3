import type { Fault } from "./faults.js";
import { groupRuns } from "./tally.js";
import type { Snapshot } from "./store.js";

/** Fault-to-recovery times of one scenario. */
export interface Recovery {
  /** What was timed, for the summary line ("kill → its tasks running again"). */
  readonly what: string;
  /** One entry per fault that could be timed; null = never recovered. */
  readonly times: readonly (number | null)[];
}

/** When a worker ran and which id it had. */
export interface WorkerSpan {
  readonly id: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** It ended without being asked to. */
  readonly died: boolean;
}

/** Too little work left after a fault to tell a slow worker from an idle one. */
const IDLE_TAIL_MS = 3_000;

/**
 * Per kill: the time until every task the killed worker held (claimed and not finished by it)
 * started running again in another worker. A task another worker had already started before
 * the kill had left the victim earlier (a lapsed lease, a retry), so it is not counted. Kills
 * of workers that held nothing are left out.
 */
export function killRecovery(snapshot: Snapshot, kills: readonly Fault[]): Recovery {
  const runsByTask = groupRuns(snapshot.executions);
  const times: (number | null)[] = [];
  for (const kill of kills) {
    const victim = kill.workerId;
    if (victim === undefined) continue;
    let worst = -1;
    let never = false;
    for (const task of snapshot.tasks) {
      const index = task.workerIds.lastIndexOf(victim);
      if (index < 0) continue;
      const handedOn = index < task.workerIds.length - 1;
      if (!handedOn && task.status === "SUCCESSFUL") continue;
      const others = (runsByTask.get(task.id) ?? []).filter((run) => run.workerId !== victim);
      if (others.some((run) => run.startedMs < kill.at)) continue;
      const rerun = others;
      if (rerun.length === 0) {
        never = true;
        continue;
      }
      worst = Math.max(worst, Math.min(...rerun.map((run) => run.startedMs)) - kill.at);
    }
    if (never) times.push(null);
    else if (worst >= 0) times.push(worst);
  }
  return { what: "kill → its tasks running again", times };
}

/**
 * Per fault: the time from its end until every worker that was running then had recorded an
 * execution again (a worker that never did, while others went on for 3 s or more, never recovered).
 */
export function workerRecovery(snapshot: Snapshot, faults: readonly Fault[], workers: readonly WorkerSpan[]): Recovery {
  const lastRecorded = Math.max(0, ...snapshot.executions.map((run) => run.recordedMs));
  const times: (number | null)[] = [];
  for (const fault of faults) {
    const cleared = fault.clearedAt;
    const present = workers.filter((worker) => worker.startedAt <= fault.at && (worker.endedAt === null || worker.endedAt > fault.at));
    let worst = -1;
    let never = false;
    for (const worker of present) {
      let first = Number.POSITIVE_INFINITY;
      for (const run of snapshot.executions) {
        if (run.workerId === worker.id && run.recordedMs >= cleared && run.recordedMs < first) first = run.recordedMs;
      }
      if (Number.isFinite(first)) worst = Math.max(worst, first - cleared);
      else if (worker.died || lastRecorded - cleared >= IDLE_TAIL_MS) never = true;
    }
    if (never) times.push(null);
    else if (worst >= 0) times.push(worst);
  }
  return { what: "fault lifted → every worker completing tasks again", times };
}

/** The longest pause between recorded executions from `from` until the last one. */
export function longestStall(snapshot: Snapshot, from: number): number {
  const times = snapshot.executions.map((run) => run.recordedMs).filter((at) => at >= from).sort((a, b) => a - b);
  let longest = times.length > 0 ? (times[0] as number) - from : 0;
  for (let index = 1; index < times.length; index += 1) longest = Math.max(longest, (times[index] as number) - (times[index - 1] as number));
  return longest;
}
