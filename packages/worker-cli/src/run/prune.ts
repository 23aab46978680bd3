import { pruneTasks } from "@tasks/core";
import { parsePruneArgs, pruneHelp, type PruneArgs } from "../args/prune-args.js";
import type { Command, RunOptions } from "./command.js";
import { EXIT_OK, signalExitCode } from "./exit-codes.js";
import { reportFailure, type CliIo } from "./io.js";
import { closeBackends, openBackend } from "./session.js";
import type { TelemetrySession } from "./telemetry.js";
import { ShutdownSignals } from "./signals.js";
import { verifyStorage } from "./verify.js";

/** `tasks prune` (alias `prune`). */
export const pruneCommand: Command = {
  help: pruneHelp,
  run: runPruneCommand,
};

/**
 * Deletes finished rows older than `--keep` (FAILED rows: `--keep-failed`) in chunks, or
 * counts them with `--dry-run`. A signal stops it between chunks. Resolves with the exit code.
 */
async function runPruneCommand(argv: readonly string[], io: CliIo, options: RunOptions): Promise<number> {
  const { program } = options;
  const signals = options.signals ?? new ShutdownSignals();
  let configured: TelemetrySession | undefined;
  let deleted = 0;
  const progress = io.stderr.isTTY === true;
  try {
    const args = parsePruneArgs(argv);
    signals.install();
    const { resolved } = await openBackend(program, io, args, (session) => (configured = session));
    await verifyStorage(resolved);
    const count = await pruneTasks({
      backend: resolved.alias,
      keepMs: args.keepMs,
      keepFailedMs: args.keepFailedMs,
      batchSize: args.batchSize,
      dryRun: args.dryRun,
      signal: signals.graceful.signal,
      ...(args.queues ? { queues: args.queues } : {}),
      onProgress: (total) => {
        deleted = total;
        if (progress) io.stderr.write(`\r\x1b[2KDeleted ${total} rows so far…`);
      },
    });
    if (progress && !args.dryRun) io.stderr.write("\r\x1b[2K");
    io.stdout.write(`${summary(args, resolved.alias, count)}\n`);
    return EXIT_OK;
  } catch (error) {
    if (progress) io.stderr.write("\r\x1b[2K");
    const signal = signals.lastSignal;
    if (signal && signals.graceful.signal.aborted && configured) {
      io.stderr.write(`${program}: stopped by ${signal} after deleting ${deleted} row(s).\n`);
      return signalExitCode(signal);
    }
    return reportFailure(program, io, error);
  } finally {
    signals.uninstall();
    if (configured) await closeBackends(program, io, configured);
  }
}

function summary(args: PruneArgs, alias: string, count: number): string {
  const rows = `${count} finished task row${count === 1 ? "" : "s"}`;
  const scope =
    `backend "${alias}", ${args.queues ? `queue${args.queues.length === 1 ? "" : "s"} ${args.queues.join(", ")}` : "every queue"}; ` +
    `SUCCESSFUL/CANCELLED older than ${args.keepText}, FAILED older than ${args.keepFailedText}`;
  return args.dryRun ? `Would delete ${rows} (${scope}). Dry run: nothing was deleted.` : `Deleted ${rows} (${scope}).`;
}
