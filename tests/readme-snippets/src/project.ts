/**
 * Writes snippet modules into a temporary project outside the repository whose
 * `node_modules` is this package's, so `@tasks/*` resolve to the workspace sources and
 * `#snippet/*` to this package's fixtures.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SnippetModule } from "./modules.js";

const PACKAGE_DIR = fileURLToPath(new URL("../", import.meta.url));

/** A generated project on disk. */
export interface SnippetProject {
  readonly dir: string;
  /** Absolute path of a module's file. */
  fileOf(module: SnippetModule): string;
  remove(): void;
}

/** Writes `modules` into a new temporary project. */
export function writeProject(modules: readonly SnippetModule[]): SnippetProject {
  const dir = mkdtempSync(join(tmpdir(), "readme-snippets-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "readme-snippets-generated", private: true, type: "module", imports: { "#snippet/*": "./fixtures/*.js" } }, null, 2),
  );
  symlinkSync(join(PACKAGE_DIR, "node_modules"), join(dir, "node_modules"), "dir");
  symlinkSync(join(PACKAGE_DIR, "fixtures"), join(dir, "fixtures"), "dir");
  const fileOf = (module: SnippetModule): string => join(dir, ...module.path.split("/"));
  for (const module of modules) {
    const file = fileOf(module);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, module.lines.join("\n") + "\n");
  }
  return { dir, fileOf, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
