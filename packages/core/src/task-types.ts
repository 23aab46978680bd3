/** The types of task definitions, their options and overrides (the values live in `task.ts`). */
import type { BackoffFunction } from "./backoff.js";
import type { TaskResult } from "./result.js";

/** What a task that sets `takesContext: true` receives as its first argument. */
export interface TaskContext {
  /** The task's stored state at the start of this attempt. */
  readonly taskResult: TaskResult;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  /**
   * The occurrence this task was enqueued for when a schedule enqueued it (the time it was
   * due, not when it started); `null` for tasks enqueued otherwise.
   */
  readonly scheduledFor: Date | null;
  /** Aborted on timeout, cancel, lost lease or forced shutdown: stop work when it fires. */
  readonly signal: AbortSignal;
  /** Id of the worker running the attempt. */
  readonly workerId: string;
  /** For `atomic` tasks: the storage transaction (a Drizzle transaction); otherwise undefined. */
  readonly transaction: unknown;
}

/** A runtime schema for the arguments array, such as a zod tuple; only `parse` is used. */
export interface ArgsSchema {
  parse(value: unknown): unknown;
}

/** Options of {@link task}. */
export interface TaskOptions {
  /** Stable, unique name stored with each task (function names do not survive bundling). */
  readonly name: string;
  /** −100…100, higher runs first. Default 0. */
  readonly priority?: number;
  /** Default `"default"`. */
  readonly queueName?: string;
  /** Backend alias. Default `"default"`. Once `configureTasks` has run, an unknown alias throws `InvalidTaskBackendError` here. */
  readonly backend?: string;
  /** Pass a {@link TaskContext} as the function's first argument. */
  readonly takesContext?: boolean;
  /** Attempts in all, ≥ 1. Default: the backend's setting (1 unless configured). */
  readonly maxAttempts?: number;
  /** Delay before each retry. Default: the backend's setting (`attempts⁴ + 5` s). */
  readonly backoff?: BackoffFunction;
  /** Longest an attempt may run before its signal aborts and it fails with a timeout. */
  readonly timeoutMs?: number;
  /** Run inside a storage transaction that also marks the task SUCCESSFUL. */
  readonly atomic?: boolean;
  /** Checked at enqueue and again when a worker picks the task up. */
  readonly argsSchema?: ArgsSchema;
}

/** How a unique enqueue recognises a duplicate: by name + arguments, or by an explicit key. */
export type UniqueOption = boolean | { readonly key: string };

/** Per-enqueue overrides of {@link Task.using}; chained calls accumulate. */
export interface TaskOverrides {
  readonly priority?: number;
  readonly queueName?: string;
  /** Not runnable before this time; `null` removes an earlier `runAfter`. */
  readonly runAfter?: Date | null;
  readonly backend?: string;
  /** While an equal task is READY or RUNNING, enqueue returns it instead of a new one. */
  readonly unique?: UniqueOption;
  /** The application's transaction to enqueue in (backends with transactional enqueue). */
  readonly transaction?: unknown;
}

/** What a task function's return type becomes once stored: `undefined` is stored as `null`. */
export type StoredReturn<R> = R extends undefined | void ? null : R;

/** The parts of a task shared by every `using()` copy. */
export interface TaskDefinition {
  readonly name: string;
  readonly fn: (...args: unknown[]) => unknown;
  readonly takesContext: boolean;
  readonly maxAttempts: number | undefined;
  readonly backoff: BackoffFunction | undefined;
  readonly timeoutMs: number | undefined;
  readonly atomic: boolean;
  readonly argsSchema: ArgsSchema | undefined;
}

/** A task's overridable settings, after defaults. @internal */
export interface TaskSettings {
  readonly priority: number;
  readonly queueName: string;
  readonly backend: string;
  readonly runAfter: Date | null;
  readonly unique: UniqueOption;
  readonly transaction: unknown;
}
