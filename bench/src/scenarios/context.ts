import type { LibAdapter } from "../adapters/types.js";
import type { ResultTable } from "../results.js";

/** What every scenario gets. */
export interface ScenarioContext {
  readonly adapter: LibAdapter;
  readonly table: ResultTable;
  /** Progress line on stderr (the table goes to stdout). */
  log(message: string): void;
  /** Extra node flags for worker children, e.g. `--cpu-prof`. */
  readonly childExecArgv: readonly string[];
}

/** A scenario run for one library. */
export type Scenario = (ctx: ScenarioContext) => Promise<void>;

/** Seconds since `start` (a `performance.now()` value). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/** Short error text for a FAILED cell. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.slice(0, 160);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
