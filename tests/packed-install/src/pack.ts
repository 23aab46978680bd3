/**
 * Packs every published package the way a release does: `pnpm pack` in the package's
 * folder, which runs its `prepack` script (a clean build) and rewrites `workspace:`
 * ranges and `publishConfig`.
 */
import { existsSync, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { runOk } from "./exec.js";
import { pinnedPnpm } from "./pnpm.js";
import { publishedPackages, tarballName } from "./published.js";

/** A packed package. */
export interface PackedPackage {
  readonly name: string;
  readonly directory: string;
  readonly tarball: string;
}

/**
 * Packs the published packages found under `workspaceRoot` into `destination`, as many at
 * once as there are CPUs (each pack runs a TypeScript build).
 */
export async function packAll(workspaceRoot: string, destination: string): Promise<PackedPackage[]> {
  mkdirSync(destination, { recursive: true });
  const pnpm = pinnedPnpm();
  const queue = publishedPackages(workspaceRoot);
  const packed: PackedPackage[] = [];
  const lane = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { name, directory, manifest } = next;
      await runOk(pnpm.command, [...pnpm.prefix, "pack", "--pack-destination", destination], {
        cwd: join(workspaceRoot, directory),
        timeoutMs: 240_000,
      });
      const tarball = join(destination, tarballName(name, manifest.version));
      if (!existsSync(tarball)) throw new Error(`pnpm pack of ${name} did not write ${tarball}.`);
      packed.push({ name, directory, tarball });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(availableParallelism(), queue.length)) }, lane));
  return packed.sort((a, b) => a.name.localeCompare(b.name));
}
