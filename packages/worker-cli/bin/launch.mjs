// Shared start-up of the tasks, db-worker and prune binaries. Plain JavaScript, so it runs
// before anything knows whether TypeScript can be loaded.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Set once tsx's ES-module hooks are registered; src/config/typescript.ts reads it too. */
const TSX_ESM = Symbol.for("@tasks/worker-cli/tsx-esm");

/**
 * Runs the CLI and exits with the command's code.
 *
 * Installed from the registry, `@tasks/core` resolves to compiled JavaScript and the CLI runs
 * from dist/ without tsx: tsx is loaded later, and only for a TypeScript config or task
 * module, so a compiled JavaScript config runs without tsx installed. In a checkout of this
 * repository, workspace packages export their TypeScript sources, so tsx is registered first
 * and the CLI runs from src/ (never from a dist/ that may be stale or being rebuilt).
 *
 * @param {string} program How the user invoked it: "tasks", "db-worker" or "prune".
 * @param {"worker" | "prune" | undefined} command The subcommand an alias stands for; undefined for `tasks`.
 */
export async function launch(program, command) {
  let code;
  try {
    const core = resolveCore();
    if (core === null) {
      process.stderr.write(`${program}: @tasks/core is not installed next to @tasks/worker-cli. Install it in your project (npm install @tasks/core), in the same version as your application uses.\n`);
      process.exit(2);
    }
    const source = new URL("../src/cli.ts", import.meta.url);
    const fromSource = /\.[cm]?ts$/.test(core) && existsSync(fileURLToPath(source));
    if (fromSource) await registerTsxForTheCli(program);
    const cli = await import(fromSource ? source.href : new URL("../dist/cli.js", import.meta.url).href);
    const argv = process.argv.slice(2);
    code = command === undefined ? await cli.runTasks(argv) : await cli.runCommand(command, argv, undefined, { program });
  } catch (error) {
    process.stderr.write(`${program}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    code = 1;
  }
  // Exit explicitly: a task module may leave timers or sockets open that would keep the process alive.
  process.exit(code);
}

/** Where `@tasks/core` resolves from this package, or null when it is not installed. */
function resolveCore() {
  try {
    return import.meta.resolve("@tasks/core");
  } catch {
    return null;
  }
}

/** @param {string} program */
async function registerTsxForTheCli(program) {
  let api;
  try {
    api = await import("tsx/esm/api");
  } catch (error) {
    process.stderr.write(
      `${program}: this copy of @tasks/worker-cli runs from TypeScript sources (a checkout of the repository), which needs tsx: run "pnpm install" in the repository. (${error instanceof Error ? error.message : String(error)})\n`,
    );
    process.exit(2);
  }
  api.register();
  globalThis[TSX_ESM] = true;
}
