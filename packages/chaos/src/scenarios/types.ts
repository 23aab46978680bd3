import type { PrivateCluster } from "../postgres/cluster.js";
import type { ScenarioResult } from "../report/summary.js";

/** What every scenario gets from the suite. */
export interface SuiteContext {
  /** The private Postgres cluster, created on first use and shared by the scenarios of a run. */
  cluster(): Promise<PrivateCluster>;
  /** A name unique within this suite run, for databases and files (`[a-z0-9_]`). */
  uniqueName(scenario: string): string;
  /** Progress messages (not the summary line). */
  note(message: string): void;
}

/** One chaos scenario. */
export interface Scenario {
  readonly name: string;
  readonly dialect: "postgres" | "sqlite";
  /** One sentence: what is done to the workers. */
  readonly description: string;
  run(context: SuiteContext): Promise<ScenarioResult>;
}
