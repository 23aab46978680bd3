/**
 * `pnpm --filter @tasks/chaos chaos [-- --only NAME[,NAME]] [--runs N] [--list]`: runs the
 * scenarios and prints one summary line each, then the total time. Exits 1 if any failed.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { summaryLine, passed, seconds, type ScenarioResult } from "./report/summary.js";
import { describeDeaths } from "./report/deaths-report.js";
import { SCENARIOS, scenarioNamed } from "./scenarios/index.js";
import { Suite } from "./suite.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    only: { type: "string", multiple: true },
    runs: { type: "string" },
    list: { type: "boolean" },
    quiet: { type: "boolean" },
  },
  strict: true,
});

if (values.list) {
  for (const scenario of SCENARIOS) process.stdout.write(`${scenario.name.padEnd(22)} ${scenario.description}\n`);
  process.exit(0);
}

const names = (values.only ?? []).flatMap((value) => value.split(",")).map((name) => name.trim()).filter(Boolean);
const chosen = names.length > 0 ? names.map(scenarioNamed) : [...SCENARIOS];
const runs = Number(values.runs ?? "1");
if (!Number.isInteger(runs) || runs < 1 || runs > 10) throw new Error(`--runs takes a whole number from 1 to 10 (got ${String(values.runs)}).`);

const suite = new Suite((message) => {
  if (!values.quiet) process.stderr.write(`  · ${message}\n`);
});
const interrupted = (): void => {
  suite.closeNow();
  process.exit(130);
};
process.once("SIGINT", interrupted);
process.once("SIGTERM", interrupted);

const startedAt = Date.now();
// Other work on the machine slows worker start-up and stretches every time reported.
const loadAtStart = loadavg().map((value) => value.toFixed(1)).join(", ");
const results: ScenarioResult[] = [];
try {
  for (let run = 1; run <= runs; run += 1) {
    for (const scenario of chosen) {
      const result = await scenario.run(suite);
      results.push(result);
      process.stdout.write(`${summaryLine(result)}\n`);
      if (!passed(result)) process.stdout.write(describeDeaths(result));
    }
  }
} finally {
  await suite.close();
}
const failed = results.filter((result) => !passed(result)).length;
const load = loadavg().map((value) => value.toFixed(1)).join(", ");
process.stdout.write(`chaos: ${results.length - failed} passed, ${failed} failed in ${seconds(Date.now() - startedAt)} (load average ${load}; at start ${loadAtStart})\n`);
process.exit(failed === 0 ? 0 : 1);
