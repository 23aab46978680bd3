/**
 * A fresh application in a temporary folder outside the workspace, with the packed
 * tarballs and the README's other dependencies installed by npm.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCommand, runOk, type CommandResult, type RunOptions } from "./exec.js";
import { appEnvironment } from "./app-env.js";
import { pinnedPnpm } from "./pnpm.js";

/** What the README tells an application to install besides the tasks packages. */
export const APP_DEPENDENCIES = ["better-sqlite3@12.11.1", "drizzle-orm@0.45.4", "tsx@4.23.15"] as const;

/** `esm`: package.json with "type": "module"; `cjs`: without it (CommonJS). */
export type ModuleKind = "esm" | "cjs";

/** A fresh application. */
export interface FreshApp {
  readonly dir: string;
  readonly kind: ModuleKind;
  /** Writes files, relative to the app folder. */
  write(files: Readonly<Record<string, string>>): void;
  /** Runs a program in the app folder with the app's clean environment. */
  run(command: string, args: readonly string[], options?: Partial<RunOptions>): Promise<CommandResult>;
  /** Runs `npx …` in the app folder, never fetching a package that is not installed there. */
  npx(args: readonly string[]): Promise<CommandResult>;
  /** Runs the pinned pnpm in the app folder. */
  pnpm(args: readonly string[]): Promise<CommandResult>;
  remove(): void;
}

/** Creates an empty app folder with its package.json. */
export function createAppDir(kind: ModuleKind): string {
  const dir = mkdtempSync(join(tmpdir(), `packed-install-${kind}-app-`));
  const manifest = { name: `quick-start-${kind}`, version: "1.0.0", private: true, ...(kind === "esm" ? { type: "module" } : {}) };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

/**
 * `npm install specs…` in an app folder, with the app's clean environment plus `env`.
 * `--prefer-offline` takes package metadata from npm's cache when it has it (every version
 * here is exact), which halves the install time; an empty cache still goes to the registry.
 */
export function npmInstall(dir: string, specs: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CommandResult> {
  return runOk("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...specs], { cwd: dir, env: appEnvironment(env), timeoutMs: 300_000 });
}

/** Commands and files of the app in `dir`. */
export function openApp(kind: ModuleKind, dir: string): FreshApp {
  const environment = appEnvironment();
  const run = (command: string, args: readonly string[], options: Partial<RunOptions> = {}) =>
    runCommand(command, args, { cwd: dir, env: environment, timeoutMs: 120_000, ...options });
  return {
    dir,
    kind,
    write(files) {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    },
    run,
    npx: (args) => run("npx", ["--no-install", ...args]),
    pnpm: (args) => {
      const pnpm = pinnedPnpm();
      return run(pnpm.command, [...pnpm.prefix, ...args]);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
