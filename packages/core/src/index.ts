/**
 * @tasks/core — typed background tasks after Django's DEP 0014.
 * Backend authors: the storage contract and its helpers are in `@tasks/core/backend`.
 */
export { task, Task } from "./task.js";
export type { TaskContext, TaskOptions, TaskOverrides, UniqueOption, ArgsSchema, StoredReturn, AnyTask } from "./task.js";
export { TaskResult } from "./result.js";
export { ResultStatus, ALL_STATUSES, FINISHED_STATUSES, isFinishedStatus } from "./status.js";
export {
  configureTasks,
  resetTasksConfiguration,
  closeTasks,
  getBackend,
  configuredAliases,
  getLogger,
  getClock,
  DEFAULT_BACKEND_ALIAS,
  DEFAULT_QUEUE_NAME,
  DEFAULT_LEASE_MS,
} from "./config.js";
export type { TasksConfig, BackendSettings, ResolvedBackend } from "./config.js";
export type { TaskTelemetry, TraceCarrier, EnqueueSpanInfo, AttemptEnd, AttemptEndKind, StorageOperation } from "./telemetry.js";
export { getTaskResult, cancelTask, taskHealth, pruneTasks, DEFAULT_PRUNE_KEEP_MS } from "./admin.js";
export type { HealthOptions, PruneOptions, TaskHealthReport, OverdueScheduleSummary } from "./admin.js";
export { listTasks, retryTasks, deleteTasks, finishedThroughput, MAX_LIST_LIMIT, MAX_IDS_PER_CALL, MAX_THROUGHPUT_BUCKETS } from "./browse.js";
export type { ListTasksOptions, TaskResultPage, ThroughputOptions } from "./browse.js";
export type { TaskFilter, TaskListCursor, TaskListOrder, ArgsSearchValue, FinishedCount } from "./browse-contract.js";
export { scheduleOverview } from "./schedules/overview.js";
export type { ScheduleOverview, ScheduleOverviewOptions } from "./schedules/overview.js";
export { taskEvents } from "./events.js";
export { withCommitHooks, onCommit } from "./commit-hooks.js";
export type { TaskEvent, TaskRetriedEvent, TaskEventMap, TaskEventName } from "./events.js";
export { defaultBackoff } from "./backoff.js";
export type { BackoffFunction } from "./backoff.js";
export { systemClock, TestClock } from "./clock.js";
export type { Clock } from "./clock.js";
export { consoleLogger, silentLogger, LOG_LEVELS } from "./logger.js";
export type { Logger, LogLevel } from "./logger.js";
export { registeredTaskNames, unregisterTasks } from "./registry.js";
export { schedule } from "./schedules/declare.js";
export { Schedule, DEFAULT_SCHEDULE_GRACE_MS, DEFAULT_BACKFILL_MS } from "./schedules/schedule.js";
export type { ScheduleOptions, MissedRunPolicy } from "./schedules/schedule.js";
export { registeredSchedules, unregisterSchedules } from "./schedules/registry.js";
export { MAX_OCCURRENCES_PER_CALL } from "./schedules/occurrences.js";
export { MIN_PRIORITY, MAX_PRIORITY, MAX_NAME_LENGTH } from "./validation.js";
export {
  MAX_JSON_DEPTH,
  DEFAULT_MAX_ARGS_BYTES,
  MAX_ARGS_BYTES_BOUNDS,
  LEASE_MS_BOUNDS,
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  ENQUEUE_TIMEOUT_BOUNDS,
  MIN_RUN_AFTER_MS,
  MAX_RUN_AFTER_MS,
} from "./limits.js";
export type { JsonValue } from "./json.js";
export type { BackendCapabilities, TaskBackend, QueueSelector, StorageCheck, ScheduleState } from "./backend.js";
export type { TaskErrorRecord, HealthReport, StatusCounts, RunningTaskSummary, FailedTaskSummary, LiveWorkerSummary, UnrunnableTaskSummary } from "./records.js";
export {
  TasksError,
  InvalidTaskError,
  InvalidTaskBackendError,
  InvalidConfigurationError,
  TaskResultDoesNotExistError,
  TaskResultMismatchError,
  TaskNotFinishedError,
  TaskFailedError,
  UnknownTaskError,
  TaskTimeoutError,
  WorkerLostError,
  TaskCancelledError,
  WorkerShutdownError,
  StorageTimeoutError,
  StorageFaultError,
  EnqueueOutcomeUnknownError,
} from "./errors.js";
export { classifyStorageFault } from "./storage-faults.js";
export type { StorageFaultKind } from "./storage-faults.js";
export { Worker } from "./worker/worker.js";
export type { WorkerSummary, WorkerStopReason } from "./worker/worker.js";
export type { WorkerOptions } from "./worker/options.js";
export { MAX_WORKER_ID_LENGTH } from "./worker/options.js";
