/**
 * Prepares what every test file uses, once: the packed tarballs and two fresh applications
 * (ESM and CommonJS) with them installed by npm.
 *
 * Packing runs from a snapshot of the workspace's packages, so the working tree's dist/
 * folders are never touched. It is CPU-bound (a TypeScript build per package) while the
 * apps' first `npm install` (better-sqlite3, drizzle-orm, tsx) mostly waits on the
 * registry, so the two run side by side; the tarballs are installed once packed.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { APP_DEPENDENCIES, createAppDir, npmInstall, openApp, type ModuleKind } from "../src/app.js";
import { packAll, type PackedPackage } from "../src/pack.js";
import { startPrebuiltMirror } from "../src/prebuilt-mirror.js";
import { snapshotWorkspace } from "../src/snapshot.js";

/** An app prepared here, and how long its installs took. */
export interface PreparedApp {
  readonly dir: string;
  readonly installMs: number;
}

/** A test that fails writes this file into an app's folder, so the teardown keeps the folder. */
export const KEEP_MARKER = ".keep-for-inspection";

declare module "vitest" {
  export interface ProvidedContext {
    packed: {
      packages: PackedPackage[];
      packMs: number;
      apps: Record<ModuleKind, PreparedApp>;
      /** Whether the workspace's better-sqlite3 build was served to the installs. */
      mirrorAvailable: boolean;
      /** How many prebuilt binaries the installs downloaded from the mirror. */
      prebuiltDownloads: number;
    };
  }
}

const KINDS: readonly ModuleKind[] = ["esm", "cjs"];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mirror = await startPrebuiltMirror();
  const env = mirror?.env ?? {};
  const tarballs = mkdtempSync(join(tmpdir(), "packed-install-tarballs-"));
  const dirs = Object.fromEntries(KINDS.map((kind) => [kind, createAppDir(kind)])) as Record<ModuleKind, string>;
  const teardown = async (): Promise<void> => {
    const npmCache = (await openApp("esm", dirs.esm).run("npm", ["config", "get", "cache"])).stdout.trim();
    await mirror?.close(npmCache || undefined);
    rmSync(tarballs, { recursive: true, force: true });
    for (const dir of Object.values(dirs)) {
      if (existsSync(join(dir, KEEP_MARKER))) console.log(`kept for a look: ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const packing = async (): Promise<{ packages: PackedPackage[]; packMs: number }> => {
      const started = performance.now();
      const snapshot = snapshotWorkspace();
      try {
        const packages = await packAll(snapshot.root, tarballs);
        return { packages, packMs: Math.round(performance.now() - started) };
      } finally {
        snapshot.remove();
      }
    };
    const [{ packages, packMs }, dependencyInstalls] = await Promise.all([
      packing(),
      Promise.all(KINDS.map((kind) => npmInstall(dirs[kind], APP_DEPENDENCIES, env))),
    ]);
    const tarballInstalls = await Promise.all(KINDS.map((kind) => npmInstall(dirs[kind], packages.map((packed) => packed.tarball), env)));
    const apps = Object.fromEntries(
      KINDS.map((kind, index) => [kind, { dir: dirs[kind], installMs: Math.round(dependencyInstalls[index]!.durationMs + tarballInstalls[index]!.durationMs) }]),
    ) as Record<ModuleKind, PreparedApp>;
    project.provide("packed", {
      packages,
      packMs,
      apps,
      mirrorAvailable: mirror !== undefined,
      prebuiltDownloads: mirror?.requests.filter((path) => path.endsWith(".tar.gz")).length ?? 0,
    });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
