import type { Harness } from "../harness.js";
import { browseActionSuite } from "./browse-actions.js";
import { browseArgsSuite } from "./browse-args.js";
import { browseFilterSuite } from "./browse-filters.js";
import { browseListSuite } from "./browse-list.js";

/**
 * The browse operations behind the dashboard (`listTasks`, `retryTasks`, `deleteTasks`,
 * `countFinished`); every test needs `supportsBrowse` and is skipped, naming the flag, without it.
 */
export function browseSuite(h: Harness): void {
  browseListSuite(h);
  browseFilterSuite(h);
  browseArgsSuite(h);
  browseActionSuite(h);
}
