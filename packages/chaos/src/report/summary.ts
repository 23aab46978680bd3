import type { WorkerDeath } from "../workers/deaths.js";
import type { Recovery } from "./recovery.js";
import type { Tally } from "./tally.js";

/** Everything one scenario run measured. */
export interface ScenarioResult {
  readonly name: string;
  readonly tally: Tally;
  readonly deaths: readonly WorkerDeath[];
  readonly recovery: Recovery;
  /** Longest pause between recorded executions after the first fault. */
  readonly stallMs: number | null;
  readonly elapsedMs: number;
  /** Scenario-specific counts for the summary line ("kills 25"). */
  readonly extras: readonly string[];
  /** Scenario-specific failures beyond the common three ("2 enqueues hung"). */
  readonly problems: readonly string[];
  /** Other evidence for a failed run (the stderr of a helper process that died). */
  readonly evidence: readonly string[];
  /** Where the workers' logs were kept (a failed run), or null when they were removed. */
  readonly logsKeptIn: string | null;
}

/** The promise every scenario checks: nothing lost, no worker died, no atomic task ran twice, no scenario-specific failure. */
export function passed(result: ScenarioResult): boolean {
  return result.tally.lost === 0 && result.deaths.length === 0 && result.tally.atomicTwice === 0 && result.problems.length === 0;
}

/** The one summary line a scenario prints. */
export function summaryLine(result: ScenarioResult): string {
  const t = result.tally;
  const lostDetail = t.lost === 0 ? "" : ` (${t.failed} FAILED, ${t.unfinished} never finished${t.successfulNeverRan ? `, ${t.successfulNeverRan} SUCCESSFUL without a run` : ""})`;
  const parts = [
    `tasks ${t.tasks}`,
    `finished ${t.finished}`,
    `lost ${t.lost}${lostDetail}`,
    `workers died ${result.deaths.length}`,
    `duplicates ${t.duplicates} (${t.duplicatesOutsideFaults} away from faults)`,
    `atomic twice ${t.atomicTwice}`,
    `recovery ${recoveryText(result.recovery)}`,
    ...(result.stallMs === null ? [] : [`longest stall ${seconds(result.stallMs)}`]),
    `retried ${t.retried}`,
    ...result.extras,
    ...result.problems.map((problem) => `FAIL: ${problem}`),
    `${seconds(result.elapsedMs)}`,
  ];
  return `${passed(result) ? "PASS" : "FAIL"} ${result.name}: ${parts.join(" | ")}`;
}

function recoveryText(recovery: Recovery): string {
  if (recovery.times.length === 0) return `n/a (${recovery.what}: nothing to time)`;
  const never = recovery.times.filter((time) => time === null).length;
  const timed = recovery.times.filter((time): time is number => time !== null).sort((a, b) => a - b);
  const max = timed.length > 0 ? seconds(timed[timed.length - 1] as number) : "-";
  const median = timed.length > 0 ? seconds(timed[Math.floor((timed.length - 1) / 2)] as number) : "-";
  const neverText = never > 0 ? `, NEVER after ${never}` : "";
  return `max ${max}, median ${median} over ${recovery.times.length} faults${neverText} (${recovery.what})`;
}

/** `1234` → `"1.2 s"`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
