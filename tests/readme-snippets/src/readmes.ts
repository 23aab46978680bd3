/** Which Markdown files are checked: the root README and the README of every package and app. */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The checked README files, relative to the repository root (forward slashes), in a stable order. */
export function readmeFiles(root: string = REPO_ROOT): string[] {
  const files = ["README.md"];
  for (const group of ["packages", "apps"]) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory() && existsSync(join(groupDir, entry.name, "README.md"))) files.push(`${group}/${entry.name}/README.md`);
    }
  }
  return files;
}
