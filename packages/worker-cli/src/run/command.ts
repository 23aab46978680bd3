import type { CliIo } from "./io.js";
import type { ShutdownSignals } from "./signals.js";

/** How a command was started. */
export interface RunOptions {
  /** How the user invoked it, for messages and help: `tasks worker`, `db-worker`, `tasks prune`, `prune`. */
  readonly program: string;
  /** Signal handling for this run (tests pass their own host). Default: the process's signals. */
  readonly signals?: ShutdownSignals;
}

/** One subcommand of `tasks`. */
export interface Command {
  /** The full `--help` text. */
  help(program: string): string;
  /** Runs the command; resolves with the exit code. `--help` and `--version` are handled before. */
  run(argv: readonly string[], io: CliIo, options: RunOptions): Promise<number>;
}
