/** Where the repository is, and what its root package.json pins. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The fields of a package.json this test reads. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly license?: string;
  readonly packageManager?: string;
  readonly repository?: { readonly type: string; readonly url: string; readonly directory?: string };
  readonly homepage?: string;
  readonly bugs?: { readonly url: string };
  readonly engines?: Readonly<Record<string, string>>;
  readonly exports?: Readonly<Record<string, unknown>>;
  readonly bin?: Readonly<Record<string, string>>;
  readonly files?: readonly string[];
  readonly scripts?: Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
}

/** Reads a package.json. */
export function readManifest(file: string): PackageManifest {
  return JSON.parse(readFileSync(file, "utf8")) as PackageManifest;
}

/** The repository's root package.json. */
export function rootManifest(): PackageManifest {
  return readManifest(join(REPO_ROOT, "package.json"));
}

/** The pnpm version in the root package.json's `packageManager` (`pnpm@10.34.9` → `10.34.9`). */
export function pinnedPnpmVersion(): string {
  const pinned = /^pnpm@(\d+\.\d+\.\d+)$/.exec(rootManifest().packageManager ?? "");
  if (!pinned) throw new Error(`The root package.json must pin pnpm as "packageManager": "pnpm@x.y.z" (found ${JSON.stringify(rootManifest().packageManager)}).`);
  return pinned[1]!;
}

/** The repository URL every package points at, from the root package.json (`https://github.com/owner/name`). */
export function repositoryWebUrl(): string {
  const url = rootManifest().repository?.url;
  if (!url) throw new Error("The root package.json has no repository.url.");
  return url.replace(/^git\+/, "").replace(/\.git$/, "");
}
