import { setTimeout as sleep } from "node:timers/promises";
import { Worker, type Logger, type WorkerSummary } from "@tasks/core";
import { formatMs } from "../args/durations.js";
import { parseWorkerArgs, workerHelp, type WorkerArgs } from "../args/worker-args.js";
import { checkQueuesAllowed, selectDatabaseBackend } from "../config/backend.js";
import { configureFromConfig, importTaskModules, loadConfig, taskModulePaths } from "../config/load.js";
import { createCliLogger } from "../output/logger.js";
import { fileSink, streamSink, type LineSink } from "../output/sink.js";
import { StatusLine } from "../output/status-line.js";
import { logTaskEvents, type TaskTotals } from "../output/task-log.js";
import type { Command, RunOptions } from "./command.js";
import { EXIT_ERROR, EXIT_OK, signalExitCode } from "./exit-codes.js";
import { reportFailure, type CliIo } from "./io.js";
import { watchParent } from "./parent-watch.js";
import { closeBackends } from "./session.js";
import { ShutdownSignals } from "./signals.js";
import { checkStorageAtStartup } from "./startup-check.js";
import { workerTelemetry, type TelemetrySession } from "./telemetry.js";

/** Longest random wait before the first claim (so workers started together do not poll in step). */
const MAX_STARTUP_DELAY_MS = 1_000;
/** `--shutdown-timeout` when not given (core's default), for messages. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/** `tasks worker` (alias `db-worker`). */
export const workerCommand: Command = {
  help: workerHelp,
  run: runWorkerCommand,
};

/**
 * Installs SIGINT/SIGTERM handlers (taking over the signals the launcher caught), parses
 * flags, watches the parent process, loads the tasks config, sets up telemetry (the config's,
 * or the OpenTelemetry SDK the environment asks for), checks the database (`verify()`,
 * retried for `--startup-timeout` while it cannot be reached), imports the task modules, and
 * runs core's `Worker` until it stops, then closes the backends and flushes telemetry. A signal
 * during start-up ends it with exit 0 before any claim. Resolves with the exit code (see README).
 */
async function runWorkerCommand(argv: readonly string[], io: CliIo, options: RunOptions): Promise<number> {
  const { program } = options;
  const signals = options.signals ?? new ShutdownSignals();
  let args: WorkerArgs | undefined;
  let sink: LineSink | undefined;
  let status: StatusLine | undefined;
  let unsubscribe: (() => void) | undefined;
  let stopWatchingParent: (() => void) | undefined;
  let configured = false;
  let telemetry: TelemetrySession | undefined;
  let worker: Worker | undefined;
  let logger: Logger | undefined;
  const totals: TaskTotals = { done: 0, failed: 0 };
  // First of all (the launcher caught signals until now): a signal during start-up stops the
  // worker before its first claim, and a second one exits at once.
  signals.startingUp = true;
  // Until the config names the log format, the only place to say why the process exits is stderr.
  const beforeLogger = (line: string) => io.stderr.write(`${program}: ${line}\n`);
  signals.install((signal, count, cause) => onSignal(signal, count, cause, logger ?? beforeLogger, worker, args));
  const stopping = () => signals.graceful.signal.aborted;
  try {
    args = parseWorkerArgs(argv);
    stopWatchingParent = watchParent((pid) => {
      // Already stopping: a second stop would abort running tasks, which only a person should ask for.
      if (stopping()) return;
      const cause = `The process that started this worker (pid ${pid}) has exited, so no signal can reach the worker any more; stopping as on SIGTERM`;
      if (!logger) io.stderr.write(`${program}: ${cause}.\n`);
      signals.trigger("SIGTERM", cause);
    });
    const loaded = await loadConfig(io.cwd, args.config);
    const useStatus = args.logFormat === "pretty" && io.stderr.isTTY === true;
    status = useStatus ? new StatusLine(io.stderr, () => ({ running: worker?.runningCount ?? 0, done: totals.done, failed: totals.failed })) : undefined;
    sink = args.logFile ? fileSink(args.logFile) : streamSink(io.stdout, status && io.stdout.isTTY ? { before: () => status?.clear(), after: () => status?.draw() } : undefined);
    const cliLogger = createCliLogger({ level: args.logLevel ?? loaded.config.logLevel ?? "info", format: args.logFormat, sink });
    logger = cliLogger;
    telemetry = await workerTelemetry(loaded, process.env, cliLogger);
    configured = true;
    configureFromConfig(loaded, cliLogger, telemetry.telemetry);
    const resolved = selectDatabaseBackend(args.backend, loaded.path, program);
    checkQueuesAllowed(args.queues, resolved, loaded.path);
    taskModulePaths(loaded);
    if (stopping()) return stoppedBeforeFirstClaim(cliLogger, signals);
    const check = await checkStorageAtStartup(resolved, { timeoutMs: args.startupTimeoutMs, signal: signals.graceful.signal, logger: cliLogger });
    if (check === "stopped" || stopping()) return stoppedBeforeFirstClaim(cliLogger, signals);
    await importTaskModules(loaded);
    if (args.startupDelay && !stopping()) {
      await sleep(Math.floor(Math.random() * MAX_STARTUP_DELAY_MS), undefined, { signal: signals.graceful.signal }).catch(() => {});
    }
    if (stopping()) return stoppedBeforeFirstClaim(cliLogger, signals);
    worker = new Worker({
      backend: resolved.alias,
      queues: args.queues,
      excludeQueues: args.excludeQueues,
      batch: args.batch,
      schedules: args.schedules,
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
    signals.startingUp = false;
    unsubscribe = logTaskEvents(cliLogger, totals);
    status?.start();
    const summary = await worker.run();
    return exitCodeOf(summary, signals);
  } catch (error) {
    status?.stop();
    return reportFailure(program, io, error);
  } finally {
    status?.stop();
    unsubscribe?.();
    stopWatchingParent?.();
    signals.uninstall();
    if (configured) await closeBackends(program, io);
    await telemetry?.shutdown();
    sink?.close();
  }
}

/** A stop asked for during start-up: nothing was claimed, so the worker ends normally. */
function stoppedBeforeFirstClaim(logger: Logger, signals: ShutdownSignals): number {
  logger.info("Stopped before the first claim.", { signal: signals.lastSignal });
  return EXIT_OK;
}

function exitCodeOf(summary: WorkerSummary, signals: ShutdownSignals): number {
  if (summary.stoppedBy !== "forced") return EXIT_OK;
  const signal = signals.lastSignal;
  // Forced without any signal: --duration's stop outlasted --shutdown-timeout.
  return signal ? signalExitCode(signal) : EXIT_ERROR;
}

function onSignal(
  signal: NodeJS.Signals,
  count: number,
  cause: string | undefined,
  logger: Logger | ((line: string) => void),
  worker: Worker | undefined,
  args: WorkerArgs | undefined,
): void {
  if (typeof logger === "function") {
    // No logger yet (the config is still loading): a first signal is reported once the logger
    // exists ("Stopped before the first claim."); a second one exits now, so say so here.
    if (count > 1) logger(`received ${signal} again while starting; exiting at once (no task was claimed).`);
    return;
  }
  const running = worker?.runningCount ?? 0;
  if (!worker) {
    if (count === 1) logger.warn(`${cause ?? `Received ${signal}`} while starting: stopping before the first claim.`);
    else logger.warn(`Received ${signal} again while starting: exiting at once (no task was claimed).`);
    return;
  }
  if (count === 1) {
    const timeout = formatMs(args?.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
    const what = cause ?? `Received ${signal}`;
    logger.warn(
      running > 0
        ? `${what}: claiming no more tasks and waiting up to ${timeout} for ${running} running task(s).${cause ? "" : " Send SIGINT or SIGTERM again to abort them now."}`
        : `${what}: stopping.`,
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
