import { randomBytes } from "node:crypto";
import type { QueueSelector } from "../backend.js";
import type { Clock } from "../clock.js";
import { DEFAULT_BACKEND_ALIAS, DEFAULT_QUEUE_NAME } from "../config.js";
import { InvalidConfigurationError } from "../errors.js";
import type { Logger } from "../logger.js";
import { describe, validateQueueName } from "../validation.js";

/** Options of {@link Worker}. */
export interface WorkerOptions {
  /** Backend alias. Default `"default"`. */
  readonly backend?: string;
  /** Queues to take tasks from; `"*"` for all. Default `["default"]`. */
  readonly queues?: readonly string[] | "*";
  /** Queues never to take tasks from (useful with `"*"`). */
  readonly excludeQueues?: readonly string[];
  /**
   * Tasks run at once (and the most one claim takes). Default 50: tasks are usually async
   * I/O, so more of them in flight costs little and lets each claim and each batched
   * completion carry more work. Lower it for tasks that are CPU-heavy or call rate-limited
   * services.
   */
  readonly concurrency?: number;
  /** How long an idle worker waits before looking again (wake-ups cut it short). Default 1,000 ms. */
  readonly pollIntervalMs?: number;
  /** Exit once nothing is runnable and nothing runs. */
  readonly batch?: boolean;
  /** Exit after claiming this many tasks (and finishing them). */
  readonly maxTasks?: number;
  /** Stop claiming after this long, then finish gracefully. */
  readonly durationMs?: number;
  /** Non-empty, at most 64 characters. Default: random. */
  readonly workerId?: string;
  /** First abort: stop claiming and let running tasks finish (up to `shutdownTimeoutMs`). */
  readonly signal?: AbortSignal;
  /** Abort: abort running tasks now and hand them back (READY if attempts remain). */
  readonly forceSignal?: AbortSignal;
  /** Longest a graceful stop waits for running tasks before forcing. Default 30,000 ms. */
  readonly shutdownTimeoutMs?: number;
  /**
   * Longest the worker waits for one of its own storage calls (claim, heartbeat, result write,
   * rescue) before counting it as failed and trying again: a half-open connection or a driver
   * that drops a call then costs a retry, not a stuck worker. From 100 ms to 1 hour. Default:
   * the backend's lease, but at least 5,000 ms.
   */
  readonly storageTimeoutMs?: number;
  /** How often leases are renewed and the worker reported alive. Default: lease / 3. */
  readonly heartbeatIntervalMs?: number;
  /** How often expired leases (of any worker) are rescued. Default: lease / 3. */
  readonly rescueIntervalMs?: number;
  /** Default: the configured clock. */
  readonly clock?: Clock;
  /** Default: the configured logger. */
  readonly logger?: Logger;
}

/** Options with defaults applied and values checked. */
export interface ResolvedWorkerOptions {
  readonly backend: string;
  readonly queues: QueueSelector;
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  readonly batch: boolean;
  readonly maxTasks: number;
  readonly durationMs: number | null;
  readonly workerId: string;
  readonly shutdownTimeoutMs: number;
  /** `null`: derive from the lease (see {@link storageTimeoutFor}). */
  readonly storageTimeoutMs: number | null;
}

/** The shortest and longest `storageTimeoutMs`, and the least the default derives from a lease. */
export const STORAGE_TIMEOUT_BOUNDS = { min: 100, max: 3_600_000, defaultMin: 5_000 } as const;

/** The storage call limit a worker uses: the option when given, else the lease (at least 5 s, at most 1 h). */
export function storageTimeoutFor(options: ResolvedWorkerOptions, leaseMs: number): number {
  return options.storageTimeoutMs ?? Math.min(STORAGE_TIMEOUT_BOUNDS.max, Math.max(STORAGE_TIMEOUT_BOUNDS.defaultMin, leaseMs));
}

/** The longest allowed worker id. */
export const MAX_WORKER_ID_LENGTH = 64;

/** Applies defaults and validates; throws {@link InvalidConfigurationError} naming the bad option. */
export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  const queues = options.queues ?? [DEFAULT_QUEUE_NAME];
  if (queues !== "*") {
    if (!Array.isArray(queues) || queues.length === 0) {
      throw new InvalidConfigurationError(`Worker option "queues" must be "*" or a non-empty array of queue names (got ${describe(queues)}).`);
    }
    for (const queue of queues) validateQueueName(queue, 'worker option "queues"', InvalidConfigurationError);
  }
  const exclude = options.excludeQueues ?? [];
  for (const queue of exclude) validateQueueName(queue, 'worker option "excludeQueues"', InvalidConfigurationError);
  const workerId = options.workerId ?? `worker-${randomBytes(6).toString("hex")}`;
  if (typeof workerId !== "string" || workerId.trim() === "" || workerId.length > MAX_WORKER_ID_LENGTH) {
    throw new InvalidConfigurationError(`Worker option "workerId" must be a non-empty string of at most ${MAX_WORKER_ID_LENGTH} characters (got ${describe(workerId)}).`);
  }
  return {
    backend: options.backend ?? DEFAULT_BACKEND_ALIAS,
    queues: { include: queues === "*" ? "*" : [...queues], exclude: [...exclude] },
    concurrency: positiveInteger("concurrency", options.concurrency ?? 50),
    pollIntervalMs: positiveNumber("pollIntervalMs", options.pollIntervalMs ?? 1000),
    batch: options.batch === true,
    maxTasks: options.maxTasks === undefined ? Number.POSITIVE_INFINITY : positiveInteger("maxTasks", options.maxTasks),
    durationMs: options.durationMs === undefined ? null : positiveNumber("durationMs", options.durationMs),
    workerId,
    shutdownTimeoutMs: nonNegativeNumber("shutdownTimeoutMs", options.shutdownTimeoutMs ?? 30_000),
    storageTimeoutMs: options.storageTimeoutMs === undefined ? null : boundedMs("storageTimeoutMs", options.storageTimeoutMs, STORAGE_TIMEOUT_BOUNDS),
  };
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new InvalidConfigurationError(`Worker option "${name}" must be a whole number of at least 1 (got ${describe(value)}).`);
  }
  return value;
}

function positiveNumber(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidConfigurationError(`Worker option "${name}" must be a positive number of milliseconds (got ${describe(value)}).`);
  }
  return value;
}

function boundedMs(name: string, value: unknown, bounds: { readonly min: number; readonly max: number }): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < bounds.min || value > bounds.max) {
    throw new InvalidConfigurationError(
      `Worker option "${name}" must be a number of milliseconds from ${bounds.min} to ${bounds.max} (got ${describe(value)}).`,
    );
  }
  return value;
}

function nonNegativeNumber(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidConfigurationError(`Worker option "${name}" must be a number of milliseconds ≥ 0 (got ${describe(value)}).`);
  }
  return value;
}
