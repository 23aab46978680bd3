/** `pnpm --filter demo report`: the final table of the run saved by `pnpm --filter demo enqueue`. */
import { closeTasks } from "@tasks/core";
import { configureDemo } from "./configure.js";
import { connectDemoDatabase } from "./database.js";
import { loadManifest } from "./manifest.js";
import { evidence, finalTable } from "./report.js";

const database = connectDemoDatabase();
try {
  configureDemo(database);
  const { planned } = loadManifest(database);
  console.log(`Tasks in ${database.where}:\n${await finalTable(planned)}\n`);
  console.log((await evidence(database, planned)).join("\n"));
} finally {
  await closeTasks();
}
