import { parseArgs } from "node:util";
import { ALL_LIBS, type LibName } from "./adapters/types.js";

/** Scenario names in run order. */
export const SCENARIOS = ["enqueue_single", "enqueue_bulk", "drain", "drain_2proc", "latency", "backlog", "sqlite_drain"] as const;
/** One of {@link SCENARIOS}. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** Parsed command line. */
export interface BenchArgs {
  readonly only: readonly ScenarioName[];
  readonly libs: readonly LibName[];
  /** Pass `--cpu-prof` to worker children, writing profiles into this directory. */
  readonly cpuProfDir: string | undefined;
}

const USAGE = `Usage: pnpm bench [--only <scenario>[,<scenario>…]] [--libs ours,graphile,pgboss] [--cpu-prof <dir>]
Scenarios: ${SCENARIOS.join(", ")}`;

function list<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] {
  if (value === undefined) return [...allowed];
  const items = value.split(",").map((item) => item.trim()).filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T)) {
      throw new Error(`Unknown ${flag} value "${item}": use one or more of ${allowed.join(", ")}, separated by commas.\n${USAGE}`);
    }
  }
  if (items.length === 0) throw new Error(`${flag} needs at least one value.\n${USAGE}`);
  return allowed.filter((item) => items.includes(item));
}

/** Parses `argv` (without node and the script); throws with usage on bad input. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv].filter((arg) => arg !== "--"),
    options: {
      only: { type: "string" },
      libs: { type: "string" },
      "cpu-prof": { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    only: list(values.only, SCENARIOS, "--only"),
    libs: list(values.libs, ALL_LIBS, "--libs"),
    cpuProfDir: values["cpu-prof"],
  };
}
