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
  /** How long an idle worker waits before looking again (wake-ups cut it short): above 0, at most 24 h. Default 1,000 ms. */
  readonly pollIntervalMs?: number;
  /** Exit once nothing is runnable and nothing runs. */
  readonly batch?: boolean;
  /** Exit after claiming this many tasks (and finishing them). */
  readonly maxTasks?: number;
  /** Stop claiming after this long, then finish gracefully: above 0, at most 24 days (Node's timers cannot wait longer than about 24.8 days). */
  readonly durationMs?: number;
  /** Non-empty, at most 64 characters. Default: random. */
  readonly workerId?: string;
  /** First abort: stop claiming and let running tasks finish (up to `shutdownTimeoutMs`). */
  readonly signal?: AbortSignal;
  /** Abort: abort running tasks now and hand them back (READY if attempts remain). */
  readonly forceSignal?: AbortSignal;
  /** Longest a graceful stop waits for running tasks before forcing: 0 to 24 h. Default 30,000 ms. */
  readonly shutdownTimeoutMs?: number;
  /**
   * Longest the worker waits for one of its own storage calls (claim, heartbeat, result write,
   * rescue) before counting it as failed and trying again: a half-open connection or a driver
   * that drops a call then costs a retry, not a stuck worker. From 100 ms to 1 hour. Default:
   * the backend's lease, but at least 5,000 ms.
   */
  readonly storageTimeoutMs?: number;
  /** How often leases are renewed and the worker reported alive: above 0, at most 1 h. Default: lease / 3. */
  readonly heartbeatIntervalMs?: number;
  /** How often expired leases (of any worker) are rescued: above 0, at most 1 h. Default: lease / 3. */
  readonly rescueIntervalMs?: number;
  /**
   * Enqueue the due occurrences of the schedules declared (with `schedule()`) for this backend
   * alias. Default true; with false this worker only runs tasks.
   */
  readonly schedules?: boolean;
  /** Default: the configured clock. */
  readonly clock?: Clock;
  /** Default: the configured logger. */
  readonly logger?: Logger;
}

/** Options with defaults applied and values checked. */
export interface ResolvedWorkerOptions {
  readonly backend: string;
  readonly queues: QueueSelector;
  readonly schedules: boolean;
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  readonly batch: boolean;
  readonly maxTasks: number;
  readonly durationMs: number | null;
  readonly workerId: string;
  readonly shutdownTimeoutMs: number;
  /** `null`: derive from the lease (see {@link storageTimeoutFor}). */
  readonly storageTimeoutMs: number | null;
  /** `null`: lease / 3. */
  readonly heartbeatIntervalMs: number | null;
  /** `null`: lease / 3. */
  readonly rescueIntervalMs: number | null;
}

/**
 * The longest delay Node's timers keep: `setTimeout` with more than 2^31 − 1 ms (about 24.8
 * days) fires after 1 ms instead, so a longer wait would end at once (and a polling loop would
 * spin). Every time option of a worker is bounded below it; this is the one place that knows it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The allowed range of one time option, in milliseconds: from `min` (exclusive when
 * `minExclusive`, so `0` means "above 0") to `max` (inclusive).
 */
export interface TimeBounds {
  readonly min: number;
  readonly max: number;
  readonly minExclusive?: boolean;
}

/**
 * The allowed range of every time option of {@link WorkerOptions}, in milliseconds. Each
 * maximum is below {@link MAX_TIMER_MS}. The `tasks worker` flags document the same ranges.
 */
export const WORKER_TIME_BOUNDS = {
  /** Above 0, at most 24 hours. */
  pollIntervalMs: { min: 0, minExclusive: true, max: DAY },
  /** Above 0, at most 24 days. */
  durationMs: { min: 0, minExclusive: true, max: 24 * DAY },
  /** 0 (abort at once) to 24 hours. */
  shutdownTimeoutMs: { min: 0, max: DAY },
  /** 100 ms to 1 hour. */
  storageTimeoutMs: { min: 100, max: HOUR },
  /** Above 0, at most 1 hour. */
  heartbeatIntervalMs: { min: 0, minExclusive: true, max: HOUR },
  /** Above 0, at most 1 hour. */
  rescueIntervalMs: { min: 0, minExclusive: true, max: HOUR },
} as const satisfies Record<string, TimeBounds>;

/** The shortest and longest `storageTimeoutMs`, and the least the default derives from a lease. */
export const STORAGE_TIMEOUT_BOUNDS = { ...WORKER_TIME_BOUNDS.storageTimeoutMs, defaultMin: 5 * SECOND } as const;

/** The storage call limit a worker uses: the option when given, else the lease (at least 5 s, at most 1 h). */
export function storageTimeoutFor(options: ResolvedWorkerOptions, leaseMs: number): number {
  return options.storageTimeoutMs ?? Math.min(STORAGE_TIMEOUT_BOUNDS.max, Math.max(STORAGE_TIMEOUT_BOUNDS.defaultMin, leaseMs));
}

/**
 * The heartbeat and rescue intervals for a backend's lease: lease / 3 unless given. A heartbeat
 * interval of a lease or more would let every lease run out between renewals, so it is refused.
 */
export function maintenanceIntervalsFor(options: ResolvedWorkerOptions, leaseMs: number): { heartbeatIntervalMs: number; rescueIntervalMs: number } {
  const third = Math.max(1, Math.floor(leaseMs / 3));
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? third;
  if (heartbeatIntervalMs >= leaseMs) {
    throw new InvalidConfigurationError(
      `Worker option "heartbeatIntervalMs" (${heartbeatIntervalMs} ms) must be shorter than the backend's lease (${leaseMs} ms), or every lease runs out between renewals; the default is lease / 3.`,
    );
  }
  return { heartbeatIntervalMs, rescueIntervalMs: options.rescueIntervalMs ?? third };
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
    schedules: options.schedules ?? true,
    concurrency: positiveInteger("concurrency", options.concurrency ?? 50),
    pollIntervalMs: timeOption("pollIntervalMs", options.pollIntervalMs ?? 1000),
    batch: options.batch === true,
    maxTasks: options.maxTasks === undefined ? Number.POSITIVE_INFINITY : positiveInteger("maxTasks", options.maxTasks),
    durationMs: options.durationMs === undefined ? null : timeOption("durationMs", options.durationMs),
    workerId,
    shutdownTimeoutMs: timeOption("shutdownTimeoutMs", options.shutdownTimeoutMs ?? 30_000),
    storageTimeoutMs: options.storageTimeoutMs === undefined ? null : timeOption("storageTimeoutMs", options.storageTimeoutMs),
    heartbeatIntervalMs: options.heartbeatIntervalMs === undefined ? null : timeOption("heartbeatIntervalMs", options.heartbeatIntervalMs),
    rescueIntervalMs: options.rescueIntervalMs === undefined ? null : timeOption("rescueIntervalMs", options.rescueIntervalMs),
  };
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new InvalidConfigurationError(`Worker option "${name}" must be a whole number of at least 1 (got ${describe(value)}).`);
  }
  return value;
}

/**
 * Checks the time option `name` against its {@link WORKER_TIME_BOUNDS}; throws an
 * {@link InvalidConfigurationError} naming the option, the allowed range and the value given.
 */
function timeOption(name: keyof typeof WORKER_TIME_BOUNDS, value: unknown): number {
  const bounds: TimeBounds = WORKER_TIME_BOUNDS[name];
  const aboveMin = typeof value === "number" && (bounds.minExclusive ? value > bounds.min : value >= bounds.min);
  if (typeof value !== "number" || !Number.isFinite(value) || !aboveMin || value > bounds.max) {
    throw new InvalidConfigurationError(
      `Worker option "${name}" must be a number of milliseconds ${describeTimeBounds(bounds)} (got ${describe(value)}); ${bounds.max} ms is ${readableMs(bounds.max)}.`,
    );
  }
  return value;
}

/** `above 0 and at most 86400000`, `from 100 to 3600000`: a {@link TimeBounds} in words. */
export function describeTimeBounds(bounds: TimeBounds): string {
  return bounds.minExclusive ? `above ${bounds.min} and at most ${bounds.max}` : `from ${bounds.min} to ${bounds.max}`;
}

/** `24 days`, `24 hours`, `1 hour`, `90 seconds`. */
function readableMs(ms: number): string {
  if (ms > DAY && ms % DAY === 0) return `${ms / DAY} days`;
  if (ms % HOUR === 0) return ms === HOUR ? "1 hour" : `${ms / HOUR} hours`;
  return `${ms / SECOND} seconds`;
}
