/**
 * A fresh application in a temporary folder outside the workspace, with the packed
 * tarballs and the README's other dependencies installed by npm.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCommand, runOk, type CommandResult, type RunOptions } from "./exec.js";
import type { PackedPackage } from "./pack.js";
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
  /** Runs `npx …` in the app folder. */
  npx(args: readonly string[]): Promise<CommandResult>;
  /** Runs the pinned pnpm in the app folder. */
  pnpm(args: readonly string[]): Promise<CommandResult>;
  remove(): void;
}

/** Creates the app folder and installs the tarballs and {@link APP_DEPENDENCIES} with npm. */
export async function createApp(kind: ModuleKind, packages: readonly PackedPackage[], env: Readonly<Record<string, string>>): Promise<{ app: FreshApp; install: CommandResult }> {
  const dir = mkdtempSync(join(tmpdir(), `packed-install-${kind}-app-`));
  const manifest = { name: `quick-start-${kind}`, version: "1.0.0", private: true, ...(kind === "esm" ? { type: "module" } : {}) };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const environment = appEnvironment(env);
  const run = (command: string, args: readonly string[], options: Partial<RunOptions> = {}) =>
    runCommand(command, args, { cwd: dir, env: environment, timeoutMs: 120_000, ...options });
  const app: FreshApp = {
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
  const install = await runOk("npm", ["install", "--no-audit", "--no-fund", ...packages.map((packed) => packed.tarball), ...APP_DEPENDENCIES], {
    cwd: dir,
    env: environment,
    timeoutMs: 300_000,
  });
  return { app, install };
}
