import { checkArgsForEnqueue } from "./args.js";
import { onCommit } from "./commit-hooks.js";
import { DEFAULT_BACKEND_ALIAS, DEFAULT_QUEUE_NAME, getBackend, getClock, getTelemetry, type ResolvedBackend } from "./config.js";
import { callBackendEnqueue } from "./enqueue-call.js";
import { InvalidTaskBackendError, InvalidTaskError, TaskResultDoesNotExistError, TaskResultMismatchError } from "./errors.js";
import { taskEvents } from "./events.js";
import { runImmediately } from "./execution/immediate.js";
import { newTaskId } from "./ids.js";
import { identityHash, identityHashOfJson } from "./identity.js";
import { assertJsonArgs, type JsonValue } from "./json.js";
import type { NewTaskRecord } from "./records.js";
import type { TraceCarrier } from "./telemetry.js";
import { registerTask } from "./registry.js";
import { backendToValidate, checkAgainstBackend, parseArgs } from "./task-checks.js";
import type { TaskContext, TaskDefinition, TaskOptions, TaskOverrides, TaskSettings, StoredReturn } from "./task-types.js";
import { TaskResult } from "./result.js";
import {
  describe,
  validateMaxAttempts,
  validatePositiveMs,
  validatePriority,
  validateQueueName,
  validateRunAfter,
  validateTaskName,
  validateUnique,
} from "./validation.js";

export type { TaskContext, ArgsSchema, TaskOptions, UniqueOption, TaskOverrides, StoredReturn, TaskDefinition } from "./task-types.js";

/** Any task, whatever its argument and return types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTask = Task<any[], any>;

/** A task definition with its current overrides. Made by {@link task}; immutable. */
export class Task<A extends unknown[], R> {
  readonly #definition: TaskDefinition;
  readonly #settings: TaskSettings;

  /** Use {@link task} to define tasks. */
  constructor(definition: TaskDefinition, settings: TaskSettings) {
    this.#definition = definition;
    this.#settings = settings;
  }

  get name(): string {
    return this.#definition.name;
  }
  get priority(): number {
    return this.#settings.priority;
  }
  get queueName(): string {
    return this.#settings.queueName;
  }
  /** Backend alias. */
  get backend(): string {
    return this.#settings.backend;
  }
  get runAfter(): Date | null {
    return this.#settings.runAfter;
  }
  get takesContext(): boolean {
    return this.#definition.takesContext;
  }
  get atomic(): boolean {
    return this.#definition.atomic;
  }
  get timeoutMs(): number | undefined {
    return this.#definition.timeoutMs;
  }
  /** The definition shared by every copy made with `using()` (used by workers). */
  get definition(): TaskDefinition {
    return this.#definition;
  }

  /**
   * A copy with overrides applied and validated again, as DEP 0014 does at `using()`: once
   * `configureTasks` has run, an unknown `backend` alias throws `InvalidTaskBackendError` here.
   */
  using(overrides: TaskOverrides): Task<A, R> {
    if (!overrides || typeof overrides !== "object") {
      throw new InvalidTaskError(`Task "${this.name}": using() takes an object such as { priority: 10, queueName: "emails" }.`);
    }
    const known = new Set(["priority", "queueName", "runAfter", "backend", "unique", "transaction"]);
    for (const key of Object.keys(overrides)) {
      if (!known.has(key)) {
        throw new InvalidTaskError(`Task "${this.name}": using() does not know "${key}"; it accepts ${[...known].join(", ")}.`);
      }
    }
    const settings: TaskSettings = { ...this.#settings, ...stripUndefined(overrides) };
    const next = new Task<A, R>(this.#definition, settings);
    next.#validate("using()");
    return next;
  }

  /** Stores the task for a worker (or runs it now on an immediate backend). */
  async enqueue(...args: A): Promise<TaskResult<StoredReturn<R>>> {
    const [result] = await this.#enqueueAll([args]);
    return result as TaskResult<StoredReturn<R>>;
  }

  /**
   * Enqueues once the transaction `tx` (opened with `withCommitHooks`) commits; nothing is
   * enqueued if it rolls back. For backends that cannot write inside the application's
   * transaction (memory, or another database). Arguments are checked now, so bad input
   * still fails at the call site.
   */
  enqueueOnCommit(tx: object, ...args: A): void {
    const resolved = this.#resolveBackend();
    this.#validate("enqueueOnCommit", resolved);
    this.#newRecord(args, resolved, getClock().now());
    onCommit(tx, () => this.enqueue(...args));
  }

  /** Stores many tasks with one backend call (one statement on database backends). */
  async enqueueMany(argsList: readonly A[]): Promise<TaskResult<StoredReturn<R>>[]> {
    if (!Array.isArray(argsList)) {
      throw new InvalidTaskError(`Task "${this.name}": enqueueMany() takes an array of argument arrays, e.g. [[1], [2]].`);
    }
    if (argsList.length === 0) return [];
    return this.#enqueueAll(argsList);
  }

  /** The stored result with this id; throws if it does not exist or belongs to another task. */
  async getResult(id: string): Promise<TaskResult<StoredReturn<R>>> {
    const resolved = this.#resolveBackend();
    if (!resolved.backend.capabilities.supportsGetResult) {
      throw new InvalidTaskBackendError(`Backend "${resolved.alias}" (${resolved.backend.kind}) cannot read results back.`);
    }
    const record = await resolved.backend.get({ backend: resolved.alias, id });
    if (!record) throw new TaskResultDoesNotExistError(`No task result with id "${id}" in backend "${resolved.alias}".`);
    if (record.taskName !== this.name) {
      throw new TaskResultMismatchError(
        `Task result ${id} belongs to task "${record.taskName}", not "${this.name}"; read it through that task or through getTaskResult().`,
      );
    }
    return new TaskResult(record);
  }

  /** Runs the function now, in this process, without storing anything. */
  async call(...args: A): Promise<R> {
    if (this.#definition.takesContext) {
      throw new InvalidTaskError(
        `Task "${this.name}" takes a context, which only exists when the task runs through a backend; enqueue it, or call its function with a context of your own.`,
      );
    }
    return (await this.#definition.fn(...args)) as R;
  }

  /** Cancels every READY task of this task with equal arguments; returns how many. */
  async deschedule(...args: A): Promise<number> {
    assertJsonArgs(args, this.name, "descheduled");
    const resolved = this.#resolveBackend();
    const clock = getClock();
    return resolved.backend.deschedule({
      backend: resolved.alias,
      now: clock.now(),
      taskName: this.name,
      identityHash: identityHash(this.name, args),
    });
  }

  /**
   * Checks the settings, and against the backend once backends are configured (an unknown
   * alias is then an error).
   * @internal called by task() at definition
   */
  validateAt(where: string): void {
    this.#validate(where);
  }

  /** Checks the settings, and against `resolved` (default: the configured backend of the alias, if configured). */
  #validate(where: string, resolved?: ResolvedBackend): void {
    const label = `task "${this.name}" (${where})`;
    validatePriority(this.#settings.priority, label);
    validateQueueName(this.#settings.queueName, label);
    validateRunAfter(this.#settings.runAfter, label);
    validateUnique(this.#settings.unique, label);
    if (typeof this.#settings.backend !== "string" || this.#settings.backend === "") {
      throw new InvalidTaskError(`Invalid backend ${describe(this.#settings.backend)} for ${label}: it must be a configured backend alias.`);
    }
    const backend = resolved ?? backendToValidate(this.#settings.backend, label);
    if (backend) checkAgainstBackend(this.#definition, backend, this.#settings, label);
  }

  #resolveBackend(): ResolvedBackend {
    return getBackend(this.#settings.backend);
  }

  async #enqueueAll(argsList: readonly A[]): Promise<TaskResult<StoredReturn<R>>[]> {
    const resolved = this.#resolveBackend();
    this.#validate("enqueue", resolved);
    const now = getClock().now();
    // No await before the backend call: inside a synchronous transaction (better-sqlite3) the
    // write must happen before enqueue returns its promise.
    const write = (carrier: TraceCarrier | null) => {
      const records: NewTaskRecord[] = argsList.map((args) => this.#newRecord(args, resolved, now, null, carrier));
      const params = { backend: resolved.alias, now, tasks: records };
      const inTransaction = this.#settings.transaction !== undefined;
      return callBackendEnqueue(resolved, inTransaction ? { ...params, transaction: this.#settings.transaction } : params, this.name);
    };
    const telemetry = getTelemetry();
    const outcomes = await (telemetry
      ? telemetry.enqueue({ backend: resolved.alias, taskName: this.name, queueName: this.#settings.queueName, count: argsList.length }, write)
      : write(null));
    const results = outcomes.map((outcome) => {
      const result = new TaskResult<StoredReturn<R>>(outcome.record);
      if (outcome.created) taskEvents.emit("taskEnqueued", { result });
      return result;
    });
    if (resolved.backend.capabilities.runsOnEnqueue) {
      for (const [index, outcome] of outcomes.entries()) {
        if (outcome.created) results[index] = (await runImmediately(resolved, outcome.record.id)) as TaskResult<StoredReturn<R>>;
      }
    }
    return results;
  }

  /**
   * The record to store for one occurrence of a schedule of this task, checked like an enqueue.
   * @internal used by the scheduler
   */
  occurrenceRecord(args: A, resolved: ResolvedBackend, now: Date, scheduledFor: Date): NewTaskRecord {
    this.#validate("schedule", resolved);
    // Each occurrence is made once by the schedule's stored state, not by a unique key.
    return { ...this.#newRecord(args, resolved, now, scheduledFor), uniqueKey: null };
  }

  #newRecord(args: A, resolved: ResolvedBackend, now: Date, scheduledFor: Date | null = null, traceContext: TraceCarrier | null = null): NewTaskRecord {
    if (!Array.isArray(args)) throw new InvalidTaskError(`Task "${this.name}": arguments must be passed as an array.`);
    const argsJson = checkArgsForEnqueue(args, this.name, resolved);
    if (this.#definition.argsSchema) parseArgs(this.#definition, args);
    const hash = identityHashOfJson(this.name, argsJson);
    const unique = this.#settings.unique;
    return {
      id: newTaskId(now.getTime()),
      taskName: this.name,
      queueName: this.#settings.queueName,
      priority: this.#settings.priority,
      args: args as unknown[] as JsonValue[],
      runAfter: this.#settings.runAfter,
      maxAttempts: this.#definition.maxAttempts ?? resolved.maxAttempts,
      identityHash: hash,
      uniqueKey: unique === false ? null : unique === true ? hash : `${this.name}:${unique.key}`,
      scheduledFor,
      traceContext,
    };
  }
}

function stripUndefined(overrides: TaskOverrides): Partial<TaskSettings> {
  return Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) as Partial<TaskSettings>;
}

/**
 * Defines a task. `options.name` is required and stored with every enqueued task; the
 * argument and return types come from `fn`.
 *
 * @example
 * const sendEmail = task({ name: "emails.send", maxAttempts: 3 }, async (to: string) => {
 *   await mailer.send(to);
 *   return { sent: true };
 * });
 * const result = await sendEmail.enqueue("ada@example.com");
 */
export function task<A extends unknown[], R>(
  options: TaskOptions & { readonly takesContext: true },
  fn: (context: TaskContext, ...args: A) => R,
): Task<A, Awaited<R>>;
export function task<A extends unknown[], R>(
  options: TaskOptions & { readonly takesContext?: false },
  fn: (...args: A) => R,
): Task<A, Awaited<R>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function task(options: TaskOptions, fn: (...args: any[]) => unknown): AnyTask {
  if (!options || typeof options !== "object") {
    throw new InvalidTaskError('task() needs an options object with a "name", e.g. task({ name: "emails.send" }, fn).');
  }
  validateTaskName(options.name);
  if (typeof fn !== "function") throw new InvalidTaskError(`Task "${options.name}" needs a function as its second argument.`);
  const label = `task "${options.name}"`;
  if (options.maxAttempts !== undefined) validateMaxAttempts(options.maxAttempts, label);
  if (options.timeoutMs !== undefined) validatePositiveMs(options.timeoutMs, "timeoutMs", label);
  if (options.backoff !== undefined && typeof options.backoff !== "function") {
    throw new InvalidTaskError(`Invalid backoff for ${label}: it must be a function (attempts, error) => milliseconds.`);
  }
  if (options.argsSchema !== undefined && typeof options.argsSchema?.parse !== "function") {
    throw new InvalidTaskError(`Invalid argsSchema for ${label}: it must have a parse(value) method (a zod schema, for example).`);
  }
  const definition: TaskDefinition = {
    name: options.name,
    fn,
    takesContext: options.takesContext === true,
    maxAttempts: options.maxAttempts,
    backoff: options.backoff,
    timeoutMs: options.timeoutMs,
    atomic: options.atomic === true,
    argsSchema: options.argsSchema,
  };
  const settings: TaskSettings = {
    priority: options.priority ?? 0,
    queueName: options.queueName ?? DEFAULT_QUEUE_NAME,
    backend: options.backend ?? DEFAULT_BACKEND_ALIAS,
    runAfter: null,
    unique: false,
    transaction: undefined,
  };
  const created = new Task(definition, settings);
  created.validateAt("definition");
  registerTask(created);
  return created;
}
