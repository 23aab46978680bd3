/**
 * Where the browser tests keep their screenshots: `screenshots/` under the test output folder
 * (`TASKS_TEST_REPORT_DIR`, which .ci/run sets and keeps as CI artifacts, else this package's
 * `.test-output`). A subfolder, because .ci/run reads every *.json file of that folder as a
 * vitest report.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

const PACKAGE_DIR = fileURLToPath(new URL("../../../", import.meta.url));

/** The screenshots folder (created on first use). */
export function screenshotsDir(): string {
  const dir = join(process.env.TASKS_TEST_REPORT_DIR ?? join(PACKAGE_DIR, ".test-output"), "screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a full-page PNG of `page` as `<database>-<name>.png`; returns its path. */
export async function saveScreenshot(page: Page, database: string, name: string): Promise<string> {
  const path = join(screenshotsDir(), `${database}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
