/** Where the demo keeps its files. */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** The demo app's folder (`apps/demo`). */
export const appDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * The data folder: `DEMO_DATA_DIR` when set (the smoke test uses a temporary folder), else
 * `apps/demo/data` (ignored by git).
 */
export function dataDir(): string {
  return process.env.DEMO_DATA_DIR ?? join(appDir, "data");
}

/** The SQLite database file used when `DATABASE_URL` is not set. */
export function sqlitePath(): string {
  return join(dataDir(), "demo.sqlite");
}

/** The file where `pnpm enqueue` records what it enqueued, for `pnpm report`. */
export function manifestPath(): string {
  return join(dataDir(), "last-run.json");
}
