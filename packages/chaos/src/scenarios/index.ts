import { baseline } from "./baseline.js";
import { enqueueRestart } from "./enqueue-restart.js";
import { killStorm } from "./kill-storm.js";
import { pgBlackhole } from "./pg-blackhole.js";
import { pgRestartFast, pgStopImmediate } from "./pg-restart.js";
import { pgTerminate } from "./pg-terminate.js";
import { pgbouncerSession, pgbouncerTransaction } from "./pgbouncer.js";
import { sigterm } from "./sigterm.js";
import { sqliteLock } from "./sqlite-lock.js";
import type { Scenario } from "./types.js";

/** Every scenario, in the order the full suite runs them. */
export const SCENARIOS: readonly Scenario[] = [
  baseline(1_000),
  killStorm("postgres", { tasks: 2_000, workers: 3 }),
  killStorm("sqlite", { tasks: 2_000, workers: 2 }),
  pgRestartFast(3_000),
  pgStopImmediate(3_000),
  pgTerminate(10_000),
  pgBlackhole(2_000),
  pgbouncerSession(800),
  pgbouncerTransaction(3_000),
  sqliteLock(6_000),
  enqueueRestart(),
  sigterm("postgres", 2_000, 3),
  sigterm("sqlite", 1_500, 2),
];

/** The scenario called `name`; throws listing the names when there is none. */
export function scenarioNamed(name: string): Scenario {
  const found = SCENARIOS.find((scenario) => scenario.name === name);
  if (!found) throw new Error(`No chaos scenario "${name}". Scenarios: ${SCENARIOS.map((scenario) => scenario.name).join(", ")}.`);
  return found;
}
