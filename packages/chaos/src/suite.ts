import { PrivateCluster } from "./postgres/cluster.js";
import type { SuiteContext } from "./scenarios/types.js";

/** The shared state of one suite run: the private cluster (made on first use) and name counters. */
export class Suite implements SuiteContext {
  #cluster: Promise<PrivateCluster> | null = null;
  #created: PrivateCluster | null = null;
  #counter = 0;
  readonly #note: (message: string) => void;
  readonly #makeCluster: () => Promise<PrivateCluster>;

  /** `makeCluster` defaults to creating a private cluster (removed by {@link close}). */
  constructor(note: (message: string) => void, makeCluster: () => Promise<PrivateCluster> = () => PrivateCluster.create()) {
    this.#note = note;
    this.#makeCluster = makeCluster;
  }

  cluster(): Promise<PrivateCluster> {
    this.#cluster ??= this.#makeCluster().then((cluster) => (this.#created = cluster));
    return this.#cluster;
  }

  uniqueName(scenario: string): string {
    this.#counter += 1;
    return `chaos_${scenario.replace(/[^a-z0-9]/g, "_")}_${process.pid}_${this.#counter}`;
  }

  note(message: string): void {
    this.#note(message);
  }

  /** Removes the cluster if one was made. */
  async close(): Promise<void> {
    const cluster = this.#cluster;
    this.#cluster = null;
    this.#created = null;
    if (cluster) await (await cluster).remove();
  }

  /** Synchronous {@link close} for an interrupted process. */
  closeNow(): void {
    this.#created?.removeNow();
  }
}
