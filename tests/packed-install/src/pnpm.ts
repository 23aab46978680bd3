/**
 * The pnpm this test runs: the version pinned in the root package.json. Under `pnpm test`
 * that is usually the pnpm running the test (npm_execpath); otherwise npx fetches it, as
 * the README's quick start does.
 */
import { spawnSync } from "node:child_process";
import { pinnedPnpmVersion } from "./repo.js";

/** A program and the arguments that come before pnpm's own. */
export interface PnpmCommand {
  readonly command: string;
  readonly prefix: readonly string[];
}

let resolved: PnpmCommand | undefined;

/** How to start the pinned pnpm. */
export function pinnedPnpm(): PnpmCommand {
  resolved ??= findPinnedPnpm(pinnedPnpmVersion());
  return resolved;
}

function findPinnedPnpm(version: string): PnpmCommand {
  const running = process.env.npm_execpath;
  if (running && /pnpm/.test(running)) {
    const probe = spawnSync(process.execPath, [running, "--version"], { encoding: "utf8" });
    if (probe.status === 0 && probe.stdout.trim() === version) return { command: process.execPath, prefix: [running] };
  }
  return { command: "npx", prefix: ["--yes", `pnpm@${version}`] };
}
