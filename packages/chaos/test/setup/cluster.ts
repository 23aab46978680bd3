import type { TestProject } from "vitest/node";
import { PrivateCluster } from "../../src/postgres/cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The private cluster every scenario file shares (see {@link PrivateCluster.attach}). */
    chaosCluster: { readonly root: string; readonly port: number };
  }
}

/** Creates one private Postgres cluster for the run and removes it at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await PrivateCluster.create();
  project.provide("chaosCluster", { root: cluster.root, port: cluster.port });
  return () => cluster.remove();
}
