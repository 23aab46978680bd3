// Shared start-up of the tasks, db-worker and prune binaries. Plain JavaScript, so it runs
// before anything knows whether TypeScript can be loaded.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Set once tsx's ES-module hooks are registered; src/config/typescript.ts reads it too. */
const TSX_ESM = Symbol.for("@tasks/worker-cli/tsx-esm");
/** Where the early signal catcher waits for src/run/early-signals.ts to take over. */
const EARLY_SIGNALS = Symbol.for("@tasks/worker-cli/early-signals");

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
  if ((command ?? process.argv[2]) === "worker") catchEarlySignals(program);
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

/**
 * Catches SIGINT and SIGTERM from the first moment, before the slow part of start-up (tsx,
 * the CLI, the config, the backend), until the worker's own handling takes over the signals
 * caught so far (src/run/early-signals.ts). A first signal is only remembered: the worker then
 * stops before its first claim and exits 0. A second one exits at once with 130 or 143, since
 * nothing has been claimed yet.
 *
 * @param {string} program
 */
function catchEarlySignals(program) {
  /** @type {NodeJS.Signals[]} */
  const received = [];
  /** @param {NodeJS.Signals} signal */
  const listener = (signal) => {
    received.push(signal);
    if (received.length < 2) return;
    process.stderr.write(`${program}: received ${signal} again while starting; exiting at once (no task was claimed).\n`);
    process.exit(signal === "SIGTERM" ? 143 : 130);
  };
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  globalThis[EARLY_SIGNALS] = {
    received,
    release() {
      process.off("SIGINT", listener);
      process.off("SIGTERM", listener);
    },
  };
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
