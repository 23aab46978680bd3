import type { TaskBackend } from "./backend.js";
import { defaultBackoff, type BackoffFunction } from "./backoff.js";
import { systemClock, type Clock } from "./clock.js";
import { InvalidConfigurationError, InvalidTaskBackendError } from "./errors.js";
import { instrumentBackend } from "./instrument.js";
import { consoleLogger, type Logger } from "./logger.js";
import type { TaskTelemetry } from "./telemetry.js";
import {
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  DEFAULT_MAX_ARGS_BYTES,
  ENQUEUE_TIMEOUT_BOUNDS,
  LEASE_MS_BOUNDS,
  MAX_ARGS_BYTES_BOUNDS,
  validateSettingRange,
} from "./limits.js";
import { describe, nameProblem, validateMaxAttempts, validateQueueName } from "./validation.js";

/** The alias a task uses when it names no backend. */
export const DEFAULT_BACKEND_ALIAS = "default";
/** The queue a task uses when it names none. */
export const DEFAULT_QUEUE_NAME = "default";
/** Default lease length: a RUNNING task whose worker stops renewing is rescued after this. */
export const DEFAULT_LEASE_MS = 15_000;

/** Settings of one backend alias (the equivalent of one entry in Django's `TASKS`). */
export interface BackendSettings {
  readonly backend: TaskBackend;
  /** Queue names tasks may use. Default `["default"]`; `[]` allows any name. */
  readonly queues?: readonly string[];
  /** Attempts for tasks that do not set `maxAttempts`. Default 1: a failure is final. */
  readonly maxAttempts?: number;
  /** Backoff for tasks that do not set one. Default `attempts⁴ + 5` seconds. */
  readonly backoff?: BackoffFunction;
  /**
   * Lease length for claims on this backend, from 1,000 ms to 86,400,000 ms (24 h). Default
   * 15 s. A RUNNING task whose worker stops renewing its lease is rescued after this.
   */
  readonly leaseMs?: number;
  /**
   * Largest arguments of one task, in bytes of UTF-8 JSON, from 1,024 (1 KiB) to 67,108,864
   * (64 MiB). Default 1,048,576 (1 MiB). Larger arguments are refused at enqueue.
   */
  readonly maxArgsBytes?: number;
  /**
   * Longest an enqueue waits for this backend, from 100 ms to 3,600,000 ms (1 h). Default
   * 10,000 ms. Past it, enqueue rejects with `EnqueueOutcomeUnknownError`. Not applied to an
   * enqueue inside your own transaction (`using({ transaction })`).
   */
  readonly enqueueTimeoutMs?: number;
}

/** Everything `configureTasks` accepts. */
export interface TasksConfig {
  /** Backends by alias; `default` is required. A bare backend takes every default setting. */
  readonly backends: Readonly<Record<string, TaskBackend | BackendSettings>>;
  readonly logger?: Logger;
  /** Time source for enqueue and workers; a `TestClock` in tests. */
  readonly clock?: Clock;
  /**
   * Where traces and metrics go: `openTelemetry()` from `@tasks/core/otel`. Default none, at
   * no cost.
   */
  readonly telemetry?: TaskTelemetry;
}

/** A backend alias with every setting filled in. */
export interface ResolvedBackend {
  readonly alias: string;
  /** The configured backend, wrapped so every call is timed and logged. */
  readonly backend: TaskBackend;
  /** The backend exactly as configured. */
  readonly original: TaskBackend;
  /** Allowed queue names; empty means any. */
  readonly queues: readonly string[];
  readonly maxAttempts: number;
  readonly backoff: BackoffFunction;
  readonly leaseMs: number;
  /** Largest arguments of one task, in bytes of UTF-8 JSON. */
  readonly maxArgsBytes: number;
  /** Longest an enqueue outside the caller's transaction waits for the backend. */
  readonly enqueueTimeoutMs: number;
}

interface ActiveConfig {
  readonly backends: ReadonlyMap<string, ResolvedBackend>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly telemetry: TaskTelemetry | undefined;
}

let active: ActiveConfig | null = null;
const fallbackLogger = consoleLogger("warn");

/**
 * Sets the backends by alias, like Django's `TASKS` setting. Replaces any earlier
 * configuration (it does not close the backends it replaces).
 */
export function configureTasks(config: TasksConfig): void {
  if (!config || typeof config !== "object" || !config.backends || typeof config.backends !== "object") {
    throw new InvalidConfigurationError(
      'configureTasks() needs an object with "backends", e.g. configureTasks({ backends: { default: memoryBackend() } }).',
    );
  }
  if (!(DEFAULT_BACKEND_ALIAS in config.backends)) {
    throw new InvalidConfigurationError(
      `configureTasks() needs a backend under the alias "default"; got aliases: ${Object.keys(config.backends).join(", ") || "(none)"}.`,
    );
  }
  const backends = new Map<string, ResolvedBackend>();
  for (const [alias, entry] of Object.entries(config.backends)) {
    const problem = alias.trim() === "" ? 'is empty; name each backend, such as "default" or "reports".' : nameProblem(alias);
    if (problem) throw new InvalidConfigurationError(`Backend alias ${describe(alias)} ${problem}`);
    backends.set(alias, resolveBackend(alias, entry));
  }
  if (config.telemetry !== undefined && typeof config.telemetry?.enqueue !== "function") {
    throw new InvalidConfigurationError('configureTasks(): "telemetry" must be made by openTelemetry() from "@tasks/core/otel" (or implement TaskTelemetry).');
  }
  active?.telemetry?.uninstall();
  active = { backends, logger: config.logger ?? fallbackLogger, clock: config.clock ?? systemClock, telemetry: config.telemetry };
  config.telemetry?.install();
}

function resolveBackend(alias: string, entry: TaskBackend | BackendSettings): ResolvedBackend {
  const settings: BackendSettings = isBackend(entry) ? { backend: entry } : entry;
  if (!settings || !isBackend(settings.backend)) {
    throw new InvalidConfigurationError(
      `Backend alias "${alias}" must be a backend (such as memoryBackend()) or { backend, queues?, maxAttempts?, backoff?, leaseMs?, maxArgsBytes?, enqueueTimeoutMs? }.`,
    );
  }
  const queues = settings.queues ?? [DEFAULT_QUEUE_NAME];
  if (!Array.isArray(queues)) {
    throw new InvalidConfigurationError(`Backend alias "${alias}": "queues" must be an array of queue names ([] allows any).`);
  }
  const where = `backend alias "${alias}"`;
  for (const queue of queues) validateQueueName(queue, where, InvalidConfigurationError);
  const maxAttempts = settings.maxAttempts ?? 1;
  validateMaxAttempts(maxAttempts, where, InvalidConfigurationError);
  const leaseMs = settings.leaseMs ?? DEFAULT_LEASE_MS;
  validateSettingRange(leaseMs, "leaseMs", where, LEASE_MS_BOUNDS, "ms");
  const maxArgsBytes = settings.maxArgsBytes ?? DEFAULT_MAX_ARGS_BYTES;
  validateSettingRange(maxArgsBytes, "maxArgsBytes", where, MAX_ARGS_BYTES_BOUNDS, "bytes");
  const enqueueTimeoutMs = settings.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
  validateSettingRange(enqueueTimeoutMs, "enqueueTimeoutMs", where, ENQUEUE_TIMEOUT_BOUNDS, "ms");
  if (settings.backoff !== undefined && typeof settings.backoff !== "function") {
    throw new InvalidConfigurationError(`Backend alias "${alias}": "backoff" must be a function (attempts, error) => milliseconds.`);
  }
  return {
    alias,
    backend: instrumentBackend(settings.backend, alias, getLogger),
    original: settings.backend,
    queues: [...queues],
    maxAttempts,
    backoff: settings.backoff ?? defaultBackoff,
    leaseMs,
    maxArgsBytes,
    enqueueTimeoutMs,
  };
}

function isBackend(value: unknown): value is TaskBackend {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as TaskBackend).enqueue === "function" &&
    typeof (value as TaskBackend).claim === "function" &&
    typeof (value as TaskBackend).capabilities === "object"
  );
}

/** Forgets the configuration (for tests). Backends are not closed; see {@link closeTasks}. */
export function resetTasksConfiguration(): void {
  active?.telemetry?.uninstall();
  active = null;
}

/** Closes every configured backend and forgets the configuration. */
export async function closeTasks(): Promise<void> {
  const current = active;
  active = null;
  if (!current) return;
  current.telemetry?.uninstall();
  const unique = new Set([...current.backends.values()].map((entry) => entry.original));
  await Promise.all([...unique].map((backend) => backend.close()));
}

/** Whether `configureTasks` has been called (and not reset). */
export function isConfigured(): boolean {
  return active !== null;
}

/** The settings of `alias`; throws {@link InvalidTaskBackendError} naming an unknown alias. */
export function getBackend(alias: string = DEFAULT_BACKEND_ALIAS): ResolvedBackend {
  if (!active) {
    throw new InvalidTaskBackendError(
      `No task backends are configured (looking for alias "${alias}"). Call configureTasks({ backends: { default: ... } }) at start-up.`,
    );
  }
  const found = active.backends.get(alias);
  if (!found) {
    throw new InvalidTaskBackendError(
      `Unknown task backend alias "${alias}". Configured aliases: ${[...active.backends.keys()].join(", ")}.`,
    );
  }
  return found;
}

/** The configured backend for `alias`, or `undefined` when it is not configured (yet). */
export function findBackend(alias: string): ResolvedBackend | undefined {
  return active?.backends.get(alias);
}

/** Every configured alias. */
export function configuredAliases(): string[] {
  return active ? [...active.backends.keys()] : [];
}

/** The configured logger (a console logger at `warn` before configuration). */
export function getLogger(): Logger {
  return active?.logger ?? fallbackLogger;
}

/** The configured telemetry, if any (see {@link TasksConfig.telemetry}). */
export function getTelemetry(): TaskTelemetry | undefined {
  return active?.telemetry;
}

/** The configured clock (real time before configuration). */
export function getClock(): Clock {
  return active?.clock ?? systemClock;
}
