/**
 * A copy of the workspace's packages (sources and manifests, no dist/) in a temporary
 * folder, where `pnpm pack` can build and pack them from a clean state without touching
 * the dist/ folders of the working tree that other tests and people are using.
 * Dependencies are symlinked to the workspace's installed ones; `@tasks/*` links point at
 * the copies.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { REPO_ROOT } from "./repo.js";

const ROOT_FILES = ["package.json", "pnpm-workspace.yaml", "tsconfig.base.json", ".npmrc", "LICENSE"];
const SKIPPED = new Set(["node_modules", "dist", ".turbo", "coverage"]);

/** A snapshot of the workspace's packages/ folder. */
export interface WorkspaceSnapshot {
  readonly root: string;
  remove(): void;
}

/** Copies packages/* (with the root files pnpm and tsc read) into a new temporary folder. */
export function snapshotWorkspace(): WorkspaceSnapshot {
  const root = mkdtempSync(join(tmpdir(), "packed-install-workspace-"));
  for (const file of ROOT_FILES) {
    if (existsSync(join(REPO_ROOT, file))) cpSync(join(REPO_ROOT, file), join(root, file));
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"), "dir");
  const packages = readdirSync(join(REPO_ROOT, "packages"), { withFileTypes: true }).filter((entry) => entry.isDirectory());
  for (const entry of packages) {
    cpSync(join(REPO_ROOT, "packages", entry.name), join(root, "packages", entry.name), {
      recursive: true,
      filter: (source) => !SKIPPED.has(basename(source)) && !source.endsWith(".tsbuildinfo"),
    });
  }
  for (const entry of packages) linkDependencies(join(REPO_ROOT, "packages", entry.name), join(root, "packages", entry.name), root);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Recreates a package's node_modules as links: `@tasks/*` to the snapshot's copies, everything else to the workspace's install. */
function linkDependencies(original: string, copy: string, snapshotRoot: string): void {
  const source = join(original, "node_modules");
  if (!existsSync(source)) return;
  const target = join(copy, "node_modules");
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source)) {
    if (entry.startsWith("@")) {
      mkdirSync(join(target, entry), { recursive: true });
      for (const scoped of readdirSync(join(source, entry))) {
        const copied = entry === "@tasks" ? workspaceCopy(snapshotRoot, join(source, entry, scoped)) : undefined;
        symlinkSync(copied ?? join(source, entry, scoped), join(target, entry, scoped), "dir");
      }
    } else {
      symlinkSync(join(source, entry), join(target, entry), lstatSync(join(source, entry)).isDirectory() ? "dir" : "file");
    }
  }
}

/** The snapshot's copy of the workspace package a `node_modules/@tasks/x` link points at, if that package is under packages/. */
function workspaceCopy(snapshotRoot: string, link: string): string | undefined {
  const original = realpathSync(link);
  if (dirname(original) !== join(REPO_ROOT, "packages")) return undefined;
  return join(snapshotRoot, "packages", basename(original));
}
