import type { ResolvedBackend, TaskBackend } from "@tasks/core";
import { migrateHelp, parseMigrateArgs } from "../args/migrate-args.js";
import { isInProcess } from "../config/backend.js";
import type { Command, RunOptions } from "./command.js";
import { EXIT_ERROR, EXIT_OK, UsageError } from "./exit-codes.js";
import { reportFailure, type CliIo } from "./io.js";
import { closeBackends, openBackend } from "./session.js";
import type { TelemetrySession } from "./telemetry.js";
import { verifyStorage } from "./verify.js";

/** `tasks migrate`. */
export const migrateCommand: Command = {
  help: migrateHelp,
  run: runMigrateCommand,
};

type Migrating = Required<Pick<TaskBackend, "migrate" | "pendingMigrations">>;

/**
 * Applies the backend's bundled migrations (`migrate()`), or with `--check` lists the pending
 * ones (`pendingMigrations()`) and exits 1 when there are any. Prints one "up to date" line
 * when there is nothing to do. Resolves with the exit code.
 */
async function runMigrateCommand(argv: readonly string[], io: CliIo, options: RunOptions): Promise<number> {
  const { program } = options;
  let configured: TelemetrySession | undefined;
  try {
    const args = parseMigrateArgs(argv);
    const { loaded, resolved } = await openBackend(program, io, { ...args, inProcess: "allow" }, (session) => (configured = session));
    const backend = migrating(resolved, loaded.path);
    // Missing or outdated tables are what this command fixes; any other problem stops it.
    await verifyStorage(resolved, ["schema-missing", "schema-outdated"]);
    const label = `backend "${resolved.alias}" (${resolved.backend.kind})`;
    if (args.check) {
      const pending = await backend.pendingMigrations();
      if (pending.length === 0) {
        io.stdout.write(`The task tables of ${label} are up to date.\n`);
        return EXIT_OK;
      }
      io.stdout.write(`${pending.length} pending migration${pending.length === 1 ? "" : "s"} for ${label}:\n${pending.map((name) => `  ${name}\n`).join("")}`);
      io.stdout.write(`Apply ${pending.length === 1 ? "it" : "them"} with "tasks migrate".\n`);
      return EXIT_ERROR;
    }
    const applied = await backend.migrate();
    if (applied.length === 0) {
      io.stdout.write(`The task tables of ${label} are up to date.\n`);
    } else {
      io.stdout.write(`Applied ${applied.length} migration${applied.length === 1 ? "" : "s"} to ${label}:\n${applied.map((name) => `  ${name}\n`).join("")}`);
    }
    return EXIT_OK;
  } catch (error) {
    return reportFailure(program, io, error);
  } finally {
    if (configured) await closeBackends(program, io, configured);
  }
}

/** The backend's migration methods; a {@link UsageError} when it has none. */
function migrating(resolved: ResolvedBackend, configPath: string): Migrating {
  const { backend } = resolved;
  const { migrate, pendingMigrations } = backend;
  if (!migrate || !pendingMigrations) {
    const why = isInProcess(backend) ? "keeps its tasks in memory, so it has no tables to migrate" : "has no bundled migrations (no migrate() method)";
    throw new UsageError(
      `Backend "${resolved.alias}" (${backend.kind}, in the tasks config ${configPath}) ${why}. ` +
        "Pass --backend with the alias of a database backend from @tasks/backend-drizzle, or create the tables as the backend's documentation says.",
      { showHelpHint: false },
    );
  }
  return { migrate: () => migrate.call(backend), pendingMigrations: () => pendingMigrations.call(backend) };
}
