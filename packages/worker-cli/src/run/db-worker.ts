import { setTimeout as sleep } from "node:timers/promises";
import { closeTasks, Worker, type Logger, type WorkerSummary } from "@tasks/core";
import { DB_WORKER_HELP, parseDbWorkerArgs, type DbWorkerArgs } from "../args/db-worker-args.js";
import { formatMs } from "../args/durations.js";
import { selectBackend } from "../config/backend.js";
import { configureFromConfig, importTaskModules, loadConfig } from "../config/load.js";
import { createCliLogger } from "../output/logger.js";
import { fileSink, streamSink, type LineSink } from "../output/sink.js";
import { StatusLine } from "../output/status-line.js";
import { logTaskEvents, type TaskTotals } from "../output/task-log.js";
import { EXIT_ERROR, EXIT_OK, signalExitCode } from "./exit-codes.js";
import { processIo, reportFailure, wantsHelp, type CliIo } from "./io.js";
import { ShutdownSignals } from "./signals.js";

/** Longest random wait before the first claim (so workers started together do not poll in step). */
const MAX_STARTUP_DELAY_MS = 1_000;

/**
 * `db-worker`: parses flags, loads the tasks config, installs SIGINT/SIGTERM handlers and
 * runs core's `Worker` until it stops. Resolves with the exit code (see README).
 */
export async function runDbWorker(argv: readonly string[], io: CliIo = processIo(), signals = new ShutdownSignals()): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout.write(DB_WORKER_HELP);
    return EXIT_OK;
  }
  let sink: LineSink | undefined;
  let status: StatusLine | undefined;
  let unsubscribe: (() => void) | undefined;
  let configured = false;
  let worker: Worker | undefined;
  let logger: Logger | undefined;
  const totals: TaskTotals = { done: 0, failed: 0 };
  try {
    const args = parseDbWorkerArgs(argv);
    signals.install((signal, count) => onSignal(signal, count, logger, worker, args));
    const loaded = await loadConfig(io.cwd, args.config);
    const useStatus = args.logFormat === "pretty" && io.stderr.isTTY === true;
    status = useStatus ? new StatusLine(io.stderr, () => ({ running: worker?.runningCount ?? 0, done: totals.done, failed: totals.failed })) : undefined;
    sink = args.logFile ? fileSink(args.logFile) : streamSink(io.stdout, status && io.stdout.isTTY ? { before: () => status?.clear(), after: () => status?.draw() } : undefined);
    const cliLogger = createCliLogger({ level: args.logLevel ?? loaded.config.logLevel ?? "info", format: args.logFormat, sink });
    logger = cliLogger;
    configured = true;
    configureFromConfig(loaded, cliLogger);
    const resolved = selectBackend(args.backend, loaded.path, { requireDatabase: true });
    await importTaskModules(loaded, cliLogger);
    if (args.startupDelay && !signals.graceful.signal.aborted) {
      await sleep(Math.floor(Math.random() * MAX_STARTUP_DELAY_MS), undefined, { signal: signals.graceful.signal }).catch(() => {});
    }
    if (signals.graceful.signal.aborted) {
      cliLogger.info("Stopped before the first claim.");
      return EXIT_OK;
    }
    worker = new Worker({
      backend: resolved.alias,
      queues: args.queues,
      excludeQueues: args.excludeQueues,
      batch: args.batch,
      signal: signals.graceful.signal,
      forceSignal: signals.force.signal,
      logger: cliLogger,
      ...definedOnly({
        concurrency: args.concurrency,
        pollIntervalMs: args.pollIntervalMs,
        maxTasks: args.maxTasks,
        durationMs: args.durationMs,
        workerId: args.workerId,
        shutdownTimeoutMs: args.shutdownTimeoutMs,
      }),
    });
    unsubscribe = logTaskEvents(cliLogger, totals);
    status?.start();
    const summary = await worker.run();
    return exitCodeOf(summary, signals);
  } catch (error) {
    status?.stop();
    return reportFailure("db-worker", io, error);
  } finally {
    status?.stop();
    unsubscribe?.();
    signals.uninstall();
    if (configured) await closeTasks().catch((error: unknown) => io.stderr.write(`db-worker: closing the backends failed: ${String(error)}\n`));
    sink?.close();
  }
}

function exitCodeOf(summary: WorkerSummary, signals: ShutdownSignals): number {
  if (summary.stoppedBy !== "forced") return EXIT_OK;
  const signal = signals.lastSignal;
  // Forced without any signal: --duration's stop outlasted --shutdown-timeout.
  return signal ? signalExitCode(signal) : EXIT_ERROR;
}

function onSignal(signal: NodeJS.Signals, count: number, logger: Logger | undefined, worker: Worker | undefined, args: DbWorkerArgs): void {
  if (!logger) return;
  const running = worker?.runningCount ?? 0;
  if (count === 1) {
    const timeout = formatMs(args.shutdownTimeoutMs ?? 30_000);
    logger.warn(
      running > 0
        ? `Received ${signal}: claiming no more tasks and waiting up to ${timeout} for ${running} running task(s). Send SIGINT or SIGTERM again to abort them now.`
        : `Received ${signal}: stopping.`,
    );
  } else if (count === 2) {
    logger.warn(`Received ${signal} again: aborting ${running} running task(s) and handing them back (READY if attempts remain). A third signal exits at once.`);
  } else {
    logger.error(`Received ${signal} a third time: exiting at once without waiting for running tasks to be handed back.`);
  }
}

function definedOnly<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
