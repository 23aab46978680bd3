import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGES_DIR = fileURLToPath(new URL("../../../", import.meta.url));
const CLI_DIR = join(PACKAGES_DIR, "worker-cli");
const require = createRequire(import.meta.url);
const ts = require("typescript") as typeof import("typescript");

/** The workspace packages an installed project gets, by folder under packages/. */
const WORKSPACE_PACKAGES = ["core", "backend-drizzle", "backend-memory", "dashboard", "worker-cli"] as const;
/** Third-party packages linked from this repository's install (drivers the fixtures use). */
const LINKED_PACKAGES = ["drizzle-orm", "better-sqlite3"] as const;

/**
 * A `node_modules` folder shaped like an install of the published packages: each workspace
 * package as compiled JavaScript in `dist/` with its `publishConfig.exports`, plus its `bin/`
 * and `migrations/`; the drivers and the packages' own dependencies linked from this repository. tsx is present only when asked
 * for, so "tsx not installed" is the real resolution failure, not a simulated one.
 *
 * Compiled with `transpileModule` (no type check, no tsconfig) so a half-finished change in
 * another package's types does not stop these tests; type errors are `pnpm typecheck`'s job.
 */
export function buildInstalledPackages(options: { tsx: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), `tasks-cli-installed-${options.tsx ? "tsx" : "no-tsx"}-`));
  const modules = join(root, "node_modules");
  for (const name of WORKSPACE_PACKAGES) copyPackage(join(PACKAGES_DIR, name), join(modules, "@tasks", name));
  const linked = options.tsx ? [...LINKED_PACKAGES, "tsx"] : LINKED_PACKAGES;
  for (const name of linked) symlinkSync(realpathSync(join(CLI_DIR, "node_modules", name)), join(modules, name), "dir");
  // The packages' own dependencies (croner for core), as an install would hoist them.
  for (const name of WORKSPACE_PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(PACKAGES_DIR, name, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (dependency.startsWith("@tasks/") || existsSync(join(modules, dependency))) continue;
      mkdirSync(dirname(join(modules, dependency)), { recursive: true });
      symlinkSync(realpathSync(join(PACKAGES_DIR, name, "node_modules", dependency)), join(modules, dependency), "dir");
    }
  }
  mkdirSync(join(modules, ".bin"));
  symlinkSync("../@tasks/worker-cli/bin/tasks.mjs", join(modules, ".bin", "tasks"));
  return modules;
}

/** A project folder with `files` and a package.json (`"type": "module"` when `esm`), using `modules` as its node_modules. */
export function createProject(modules: string, options: { esm: boolean; files: Record<string, string> }): string {
  const dir = mkdtempSync(join(tmpdir(), `tasks-cli-project-${options.esm ? "esm" : "cjs"}-`));
  const manifest = { name: "tasks-cli-test-project", private: true, ...(options.esm ? { type: "module" } : {}) };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [path, text] of Object.entries(options.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  symlinkSync(modules, join(dir, "node_modules"), "dir");
  return dir;
}

function copyPackage(source: string, target: string): void {
  const manifest = JSON.parse(readFileSync(join(source, "package.json"), "utf8")) as Record<string, unknown> & { publishConfig?: Record<string, unknown> };
  const { publishConfig, devDependencies: _dev, scripts: _scripts, ...published } = manifest;
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, "package.json"), `${JSON.stringify({ ...published, ...publishConfig }, null, 2)}\n`);
  compile(join(source, "src"), join(target, "dist"));
  for (const extra of ["bin", "migrations"]) {
    if (existsSync(join(source, extra))) cpSync(join(source, extra), join(target, extra), { recursive: true });
  }
}

function compile(sourceDir: string, outDir: string): void {
  for (const file of walk(sourceDir)) {
    if (!file.endsWith(".ts") || file.endsWith(".d.ts") || file.endsWith(".test.ts")) continue;
    const output = join(outDir, relative(sourceDir, file)).replace(/\.ts$/, ".js");
    const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, outputText);
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
