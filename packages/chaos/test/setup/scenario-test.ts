import { expect, inject, test } from "vitest";
import { PrivateCluster } from "../../src/postgres/cluster.js";
import { describeDeaths } from "../../src/report/deaths-report.js";
import { summaryLine } from "../../src/report/summary.js";
import { scenarioNamed } from "../../src/scenarios/index.js";
import { Suite } from "../../src/suite.js";

/** Runs scenario `name` once and asserts the promise: lost 0, workers died 0, atomic twice 0, no scenario-specific failure. */
export function scenarioTest(name: string): void {
  const scenario = scenarioNamed(name);
  test(`${name}: ${scenario.description}`, async () => {
    const { root, port } = inject("chaosCluster");
    const suite = new Suite(() => {}, async () => PrivateCluster.attach(root, port));
    const result = await scenario.run(suite);
    process.stdout.write(`${summaryLine(result)}\n${describeDeaths(result)}`);
    expect({
      lost: result.tally.lost,
      workersDied: result.deaths.map((death) => `${death.workerId} ${death.how}: ${death.stderr.trim().split("\n").slice(-6).join(" / ")}`),
      atomicTwice: result.tally.atomicTwice,
      problems: result.problems,
    }).toEqual({ lost: 0, workersDied: [], atomicTwice: 0, problems: [] });
  });
}
