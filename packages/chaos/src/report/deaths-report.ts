import type { ScenarioResult } from "./summary.js";

const STDERR_LINES = 25;

/** The evidence of a failed scenario: how each dead worker ended and the end of its stderr. */
export function describeDeaths(result: ScenarioResult): string {
  const lines: string[] = [];
  for (const death of result.deaths) {
    lines.push(`    ${death.workerId} (pid ${String(death.pid)}) ${death.how} after ${(death.afterMs / 1000).toFixed(1)} s`);
    const stderr = death.stderr.trim().split("\n").slice(-STDERR_LINES);
    for (const line of stderr) lines.push(`      | ${line}`);
  }
  for (const text of result.evidence) {
    for (const line of text.trim().split("\n").slice(-STDERR_LINES)) lines.push(`      | ${line}`);
  }
  if (result.logsKeptIn) lines.push(`    worker logs kept in ${result.logsKeptIn}`);
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
