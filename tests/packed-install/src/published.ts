/** The workspace packages a release publishes: every package under packages/ that is not private. */
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { readManifest, REPO_ROOT, type PackageManifest } from "./repo.js";

/** A published package in the workspace. */
export interface PublishedPackage {
  readonly name: string;
  /** Folder relative to the repository root, forward slashes (`packages/core`). */
  readonly directory: string;
  readonly manifest: PackageManifest;
}

/** Every published package, by folder name. */
export function publishedPackages(root: string = REPO_ROOT): PublishedPackage[] {
  const packagesDir = join(root, "packages");
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, "package.json")))
    .map((entry) => ({ directory: `packages/${entry.name}`, manifest: readManifest(join(packagesDir, entry.name, "package.json")) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ directory, manifest }) => ({ name: manifest.name, directory, manifest }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The file name `pnpm pack` gives a package's tarball (`@tasks/core` 0.1.0 → `tasks-core-0.1.0.tgz`). */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
}
