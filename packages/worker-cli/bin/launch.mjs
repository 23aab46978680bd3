// Shared start-up of the db-worker and prune binaries.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

/**
 * Registers tsx's loader for the whole process (so TypeScript configs and task modules load
 * without a build step), then runs the built entry from dist/ when it exists, or else the
 * TypeScript source (inside this repository, before a build). Exits with the entry's code.
 *
 * @param {"db-worker" | "prune"} name
 * @param {string} exportName
 */
export async function launch(name, exportName) {
  register();
  globalThis[Symbol.for("@tasks/worker-cli/tsx-registered")] = true;
  const built = new URL(`../dist/run/${name}.js`, import.meta.url);
  const entry = existsSync(fileURLToPath(built)) ? built : new URL(`../src/run/${name}.ts`, import.meta.url);
  let code;
  try {
    const module = await import(entry.href);
    code = await module[exportName](process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    code = 1;
  }
  // Exit explicitly: a task module may leave timers or sockets open that would keep the process alive.
  process.exit(code);
}
