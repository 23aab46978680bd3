/**
 * Packs every published package once for all test files: from a snapshot of the
 * workspace's packages, so the working tree's dist/ folders are never touched.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { packAll, type PackedPackage } from "../src/pack.js";
import { snapshotWorkspace } from "../src/snapshot.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The packed packages and how long packing took. */
    packed: { packages: PackedPackage[]; packMs: number };
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const started = performance.now();
  const snapshot = snapshotWorkspace();
  const tarballs = mkdtempSync(join(tmpdir(), "packed-install-tarballs-"));
  try {
    const packages = await packAll(snapshot.root, tarballs);
    project.provide("packed", { packages, packMs: Math.round(performance.now() - started) });
  } finally {
    snapshot.remove();
  }
  return () => rmSync(tarballs, { recursive: true, force: true });
}
