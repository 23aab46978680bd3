import { parseArgs } from "node:util";
import { ALL_LIBS, type LibName } from "./adapters/types.js";
import { FULL_LENGTH_FLAGS, parseSustainedFlags, SUSTAINED_FLAG_NAMES, type SustainedSettings } from "./sustained/settings.js";

/** Scenario names in run order. */
export const SCENARIOS = ["enqueue_single", "enqueue_bulk", "drain", "drain_2proc", "latency", "backlog", "sqlite_drain", "sustained", "held_xmin"] as const;
/** One of {@link SCENARIOS}. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** Parsed command line. */
export interface BenchArgs {
  readonly only: readonly ScenarioName[];
  readonly libs: readonly LibName[];
  /** Pass `--cpu-prof` to worker children, writing profiles into this directory. */
  readonly cpuProfDir: string | undefined;
  /** Rate and durations of `sustained` and `held_xmin`. */
  readonly sustained: SustainedSettings;
}

const USAGE = `Usage: pnpm bench [--only <scenario>[,<scenario>…]] [--libs ours,graphile,pgboss] [--cpu-prof <dir>]
       [--rate <tasks/s>] [--sustained-seconds N] [--hold-before-seconds N] [--hold-seconds N] [--hold-after-seconds N] [--drain-seconds N]
Scenarios: ${SCENARIOS.join(", ")}
--rate and the --*-seconds flags set the sustained and held_xmin runs (default rate: half of ours' drain (tuned)).
The issue's full-length version: ${FULL_LENGTH_FLAGS}`;

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
      ...Object.fromEntries(SUSTAINED_FLAG_NAMES.map((name) => [name, { type: "string" } as const])),
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
    sustained: parseSustainedFlags(values),
  };
}
