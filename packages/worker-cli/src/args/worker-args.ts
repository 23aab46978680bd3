import { LOG_LEVELS, MAX_WORKER_ID_LENGTH, type LogLevel } from "@tasks/core";
import { UsageError } from "../run/exit-codes.js";
import { BACKEND_FLAG_HELP, backendFlag, COMMON_FLAGS_HELP, configFlag, integerFlag, last, queueListFlag, parseFlags } from "./common.js";
import { DURATION_RANGE, INTERVAL_RANGE, rangeText, SHUTDOWN_TIMEOUT_RANGE, STARTUP_TIMEOUT_RANGE } from "./bounds.js";
import { secondsFlag } from "./durations.js";

/** Default `--startup-timeout`. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 30_000;

/** Output formats of the worker's log. */
export const LOG_FORMATS = ["pretty", "json"] as const;

/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The `tasks worker` flags, checked and with defaults applied (`undefined` = use the config's or core's default). */
export interface WorkerArgs {
  readonly queues: readonly string[] | "*";
  readonly excludeQueues: readonly string[];
  readonly concurrency: number | undefined;
  readonly pollIntervalMs: number | undefined;
  readonly batch: boolean;
  readonly maxTasks: number | undefined;
  readonly durationMs: number | undefined;
  readonly workerId: string | undefined;
  readonly backend: string | undefined;
  readonly startupDelay: boolean;
  /** Enqueue the due occurrences of the declared schedules (off with `--no-schedules`). */
  readonly schedules: boolean;
  readonly shutdownTimeoutMs: number | undefined;
  /** How long start-up retries a database that is not reachable yet (0: check once). */
  readonly startupTimeoutMs: number;
  readonly logLevel: LogLevel | undefined;
  readonly logFormat: LogFormat;
  readonly logFile: string | undefined;
  readonly config: string | undefined;
}

/** `tasks worker --help` (`program` is how it was invoked: `tasks worker` or `db-worker`). */
export function workerHelp(program: string): string {
  return `Usage: ${program} [flags]

Claims tasks from a database backend and runs them until stopped ("tasks worker" and
"db-worker" are the same command). Before the first claim it checks that the database can be reached and its task
tables are migrated, and exits 1 with one line saying what is wrong if not (a database that
cannot be reached yet is retried for up to --startup-timeout first).
The first SIGINT/SIGTERM, or the end of the process that started it (such as an npx shim),
stops claiming and lets running tasks finish; a second signal aborts them and hands them
back (READY if attempts remain).

Flags:
  --queue a,b               Queues to take tasks from; "*" for all (default: default).
                            Each must be allowed by the backend's "queues" in the config
  --exclude-queue a,b       Queues to skip; only together with --queue "*"
  --concurrency N           Tasks run at once (default: 50)
  --interval SECONDS        Idle wait between polls, ${rangeText(INTERVAL_RANGE, "0")} (default: 1)
  --batch                   Exit 0 as soon as nothing is runnable and nothing runs
  --max-tasks N             Exit after running N tasks
  --duration SECONDS        Stop claiming after this long (${rangeText(DURATION_RANGE, "0")}),
                            finish, and exit 0
  --worker-id ID            This worker's id, 1-${MAX_WORKER_ID_LENGTH} characters (default: random)
${BACKEND_FLAG_HELP}
  --no-startup-delay        Start claiming at once (default: wait a random time under 1 s,
                            so workers started together do not poll in step)
  --no-schedules            Only run tasks: do not enqueue the occurrences of the
                            schedules the task modules declare (default: every worker
                            enqueues them; each occurrence still becomes one task)
  --shutdown-timeout SECONDS
                            After the first signal, longest wait for running tasks
                            before aborting them, ${rangeText(SHUTDOWN_TIMEOUT_RANGE, "0")} (default: 30)
  --startup-timeout SECONDS
                            How long to keep retrying a database that cannot be
                            reached yet (restarting, refusing connections) before
                            exiting 1, ${rangeText(STARTUP_TIMEOUT_RANGE, "0")}; 0 checks once (default: ${DEFAULT_STARTUP_TIMEOUT_MS / 1_000})
  --log-level LEVEL         ${LOG_LEVELS.join(", ")} (default: the config's logLevel, else info)
  --log-format FORMAT       pretty or json (default: pretty)
  --log-file PATH           Append the log to PATH instead of standard output
${COMMON_FLAGS_HELP}

SECONDS accepts a plain number (0.5, 30) or a duration with a unit (500ms, 5m).
OpenTelemetry: "telemetry" in the config (openTelemetry() from @tasks/core/otel) traces each
attempt, claim and batch of completions and counts the work. Without it, setting
OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT (unless
OTEL_SDK_DISABLED=true) starts @opentelemetry/sdk-node from your project, flushed on exit.
Exit codes: 0 stopped normally, 1 the database cannot be used or an unexpected error,
2 bad flags or config, 130/143 running tasks were aborted by a second SIGINT/SIGTERM
(or the shutdown timeout).
`;
}

/** Parses and checks `tasks worker`'s flags; throws a {@link UsageError} naming the first bad flag. */
export function parseWorkerArgs(argv: readonly string[]): WorkerArgs {
  const { values } = parseFlags(argv, {
    queue: { type: "string", multiple: true },
    "exclude-queue": { type: "string", multiple: true },
    concurrency: { type: "string" },
    interval: { type: "string" },
    batch: { type: "boolean" },
    "max-tasks": { type: "string" },
    duration: { type: "string" },
    "worker-id": { type: "string" },
    backend: { type: "string" },
    "no-startup-delay": { type: "boolean" },
    "no-schedules": { type: "boolean" },
    "shutdown-timeout": { type: "string" },
    "startup-timeout": { type: "string" },
    "log-level": { type: "string" },
    "log-format": { type: "string" },
    "log-file": { type: "string" },
    config: { type: "string" },
  });
  const queues = values.queue ? queueListFlag("queue", values.queue, true) : ["default"];
  const excludeQueues = values["exclude-queue"] ? queueListFlag("exclude-queue", values["exclude-queue"], false) : [];
  if (excludeQueues.length > 0 && queues !== "*") {
    throw new UsageError('--exclude-queue only works together with --queue "*"; otherwise list just the queues you want with --queue.');
  }
  return {
    queues,
    excludeQueues: excludeQueues === "*" ? [] : excludeQueues,
    concurrency: optional(values.concurrency, (text) => integerFlag("concurrency", text)),
    pollIntervalMs: optional(values.interval, (text) => secondsFlag("interval", text, INTERVAL_RANGE)),
    batch: values.batch === true,
    maxTasks: optional(values["max-tasks"], (text) => integerFlag("max-tasks", text)),
    durationMs: optional(values.duration, (text) => secondsFlag("duration", text, DURATION_RANGE)),
    workerId: optional(values["worker-id"], workerIdFlag),
    backend: backendFlag(values.backend),
    startupDelay: values["no-startup-delay"] !== true,
    schedules: values["no-schedules"] !== true,
    shutdownTimeoutMs: optional(values["shutdown-timeout"], (text) => secondsFlag("shutdown-timeout", text, SHUTDOWN_TIMEOUT_RANGE)),
    startupTimeoutMs: optional(values["startup-timeout"], (text) => secondsFlag("startup-timeout", text, STARTUP_TIMEOUT_RANGE)) ?? DEFAULT_STARTUP_TIMEOUT_MS,
    logLevel: optional(values["log-level"], logLevelFlag),
    logFormat: optional(values["log-format"], logFormatFlag) ?? "pretty",
    logFile: optional(values["log-file"], logFileFlag),
    config: configFlag(values.config),
  };
}

function optional<T>(text: string | string[] | undefined, parse: (text: string) => T): T | undefined {
  const value = last(text);
  return value === undefined ? undefined : parse(value);
}

function workerIdFlag(text: string): string {
  if (text.trim() === "" || text.length > MAX_WORKER_ID_LENGTH) {
    throw new UsageError(
      `Invalid value "${text.length > 80 ? `${text.slice(0, 80)}…` : text}" for --worker-id: give a non-empty id of at most ${MAX_WORKER_ID_LENGTH} characters (got ${text.length}).`,
    );
  }
  return text;
}

/** Checks a `--log-level` value. */
export function logLevelFlag(text: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(text)) {
    throw new UsageError(`Invalid value "${text}" for --log-level: use one of ${LOG_LEVELS.join(", ")}.`);
  }
  return text as LogLevel;
}

function logFormatFlag(text: string): LogFormat {
  if (!(LOG_FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(`Invalid value "${text}" for --log-format: use pretty or json.`);
  }
  return text as LogFormat;
}

function logFileFlag(text: string): string {
  if (text.trim() === "") throw new UsageError('Invalid value "" for --log-file: give the path of a file to append the log to.');
  return text;
}
