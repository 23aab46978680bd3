/** What `pnpm enqueue` stored, saved for `pnpm report` (which may run after a separate worker). */
import { readFileSync, writeFileSync } from "node:fs";
import type { DemoDatabase } from "./database.js";
import { manifestPath } from "./paths.js";
import type { PlannedTask } from "./scenario.js";

/** The saved run. */
export interface Manifest {
  readonly dialect: DemoDatabase["dialect"];
  readonly where: string;
  readonly planned: PlannedTask[];
}

/** Saves the planned tasks of a run on `database`. */
export function saveManifest(database: DemoDatabase, planned: PlannedTask[]): void {
  const manifest: Manifest = { dialect: database.dialect, where: database.where, planned };
  writeFileSync(manifestPath(), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads the saved run; explains what to do when there is none or it was on another database. */
export function loadManifest(database: DemoDatabase): Manifest {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(), "utf8")) as Manifest;
  } catch (error) {
    throw new Error(`Found no saved run at ${manifestPath()}. Run "pnpm --filter demo enqueue" first, then a worker, then this report.`, { cause: error });
  }
  if (manifest.where !== database.where) {
    throw new Error(`The saved run was enqueued in ${manifest.where}, but this report reads ${database.where}. Set DATABASE_URL the same way for both (or unset it for SQLite).`);
  }
  return manifest;
}
