import { runCommand } from "./cli.js";
import { processIo, type CliIo } from "./run/io.js";
import type { ShutdownSignals } from "./run/signals.js";

/** `tasks worker` under its alias name `db-worker`; resolves with the exit code. Kept for code that embedded the old binary. */
export function runDbWorker(argv: readonly string[], io: CliIo = processIo(), signals?: ShutdownSignals): Promise<number> {
  return runCommand("worker", argv, io, { program: "db-worker", ...(signals ? { signals } : {}) });
}

/** `tasks prune` under its alias name `prune`; resolves with the exit code. */
export function runPrune(argv: readonly string[], io: CliIo = processIo(), signals?: ShutdownSignals): Promise<number> {
  return runCommand("prune", argv, io, { program: "prune", ...(signals ? { signals } : {}) });
}
