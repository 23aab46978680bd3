import { closeTasks, pruneTasks } from "@tasks/core";
import { PRUNE_HELP, parsePruneArgs, type PruneArgs } from "../args/prune-args.js";
import { selectBackend } from "../config/backend.js";
import { configureFromConfig, loadConfig } from "../config/load.js";
import { createCliLogger } from "../output/logger.js";
import { streamSink } from "../output/sink.js";
import { EXIT_OK, signalExitCode } from "./exit-codes.js";
import { processIo, reportFailure, wantsHelp, type CliIo } from "./io.js";
import { ShutdownSignals } from "./signals.js";

/**
 * `prune`: deletes finished rows older than `--keep` (FAILED rows: `--keep-failed`) in
 * chunks, or counts them with `--dry-run`. A signal stops it between chunks. Resolves with
 * the exit code (see README).
 */
export async function runPrune(argv: readonly string[], io: CliIo = processIo(), signals = new ShutdownSignals()): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout.write(PRUNE_HELP);
    return EXIT_OK;
  }
  let configured = false;
  let deleted = 0;
  const progress = io.stderr.isTTY === true;
  try {
    const args = parsePruneArgs(argv);
    signals.install();
    const loaded = await loadConfig(io.cwd, args.config);
    configured = true;
    configureFromConfig(loaded, createCliLogger({ level: "warn", format: "pretty", sink: streamSink(io.stderr) }));
    const resolved = selectBackend(args.backend, loaded.path, { requireDatabase: false });
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
      io.stderr.write(`prune: stopped by ${signal} after deleting ${deleted} row(s).\n`);
      return signalExitCode(signal);
    }
    return reportFailure("prune", io, error);
  } finally {
    signals.uninstall();
    if (configured) await closeTasks().catch((error: unknown) => io.stderr.write(`prune: closing the backends failed: ${String(error)}\n`));
  }
}

function summary(args: PruneArgs, alias: string, count: number): string {
  const rows = `${count} finished task row${count === 1 ? "" : "s"}`;
  const scope =
    `backend "${alias}", ${args.queues ? `queue${args.queues.length === 1 ? "" : "s"} ${args.queues.join(", ")}` : "every queue"}; ` +
    `SUCCESSFUL/CANCELLED older than ${args.keepText}, FAILED older than ${args.keepFailedText}`;
  return args.dryRun ? `Would delete ${rows} (${scope}). Dry run: nothing was deleted.` : `Deleted ${rows} (${scope}).`;
}
