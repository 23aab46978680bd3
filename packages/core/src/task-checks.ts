/** Checks of a task against its backend, and of stored arguments against a task's schema. */
import { configuredAliases, findBackend, isConfigured, type ResolvedBackend } from "./config.js";
import { InvalidTaskBackendError, InvalidTaskError } from "./errors.js";
import type { TaskDefinition } from "./task-types.js";

/** The overridable settings a backend check looks at. */
export interface TaskSettingsView {
  readonly priority: number;
  readonly queueName: string;
  readonly runAfter: Date | null;
  readonly transaction: unknown;
}

/**
 * The configured backend under `alias`, to validate a task against; `undefined` while
 * `configureTasks` has not been called, since tasks are usually defined when their module is
 * imported, before configuration (`enqueue` checks the alias again). Once configured, an
 * unknown alias throws {@link InvalidTaskBackendError} naming it, at definition and at `using()`.
 */
export function backendToValidate(alias: string, label: string): ResolvedBackend | undefined {
  if (!isConfigured()) return undefined;
  const found = findBackend(alias);
  if (found) return found;
  throw new InvalidTaskBackendError(
    `Unknown task backend alias "${alias}" for ${label}. Configured aliases: ${configuredAliases().join(", ")}. Add "${alias}" to configureTasks({ backends }) or use one of those aliases.`,
  );
}

/** Throws when the backend cannot take the task as configured (queue, defer, priority, transaction, atomic). */
export function checkAgainstBackend(definition: TaskDefinition, resolved: ResolvedBackend, settings: TaskSettingsView, label: string): void {
  const { capabilities, kind } = resolved.backend;
  const named = `backend "${resolved.alias}" (${kind})`;
  if (resolved.queues.length > 0 && !resolved.queues.includes(settings.queueName)) {
    throw new InvalidTaskError(
      `Queue "${settings.queueName}" is not allowed by ${named} for ${label}; allowed queues: ${resolved.queues.join(", ")}. Add it to the backend's "queues" setting.`,
    );
  }
  if (settings.runAfter !== null && !capabilities.supportsDefer) {
    throw new InvalidTaskError(`${capitalize(named)} does not support runAfter (deferred tasks), but ${label} sets it.`);
  }
  if (settings.priority !== 0 && !capabilities.supportsPriority) {
    throw new InvalidTaskError(`${capitalize(named)} does not support priorities, but ${label} sets priority ${settings.priority}.`);
  }
  if (settings.transaction !== undefined && !capabilities.supportsTransactionalEnqueue) {
    throw new InvalidTaskError(
      `${capitalize(named)} cannot enqueue inside an application transaction, but ${label} passes one. Use enqueueOnCommit() to enqueue after the transaction commits.`,
    );
  }
  if (definition.atomic && !capabilities.supportsAtomic) {
    throw new InvalidTaskError(`${capitalize(named)} cannot run atomic tasks, but ${label} is marked atomic.`);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The arguments to call a task with, from stored `args`: checked to be a list (rows written
 * by other code may hold anything), then run through the task's `argsSchema` when it has one.
 * Throws {@link InvalidTaskError}, which fails the attempt for good: retrying cannot fix
 * stored arguments.
 */
export function parseArgs(definition: TaskDefinition, args: unknown): unknown[] {
  if (!Array.isArray(args)) {
    throw new InvalidTaskError(
      `The stored arguments of task "${definition.name}" are not a list: found ${describeStored(args)}. ` +
        "Arguments are stored as a JSON array, one entry per parameter; the row was probably written by other code. Enqueue the task again with its arguments as an array.",
    );
  }
  if (!definition.argsSchema) return [...args];
  let parsed: unknown;
  try {
    parsed = definition.argsSchema.parse(args);
  } catch (error) {
    throw new InvalidTaskError(
      `Arguments of task "${definition.name}" do not match its argsSchema: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (!Array.isArray(parsed)) {
    throw new InvalidTaskError(`The argsSchema of task "${definition.name}" must parse the arguments array into an array (use a tuple schema).`);
  }
  return parsed;
}

/** A stored value as error text: its JSON type, and the value itself when short. */
function describeStored(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing (undefined)";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `the ${typeof value} ${String(value)}`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 5).map((key) => JSON.stringify(key)).join(", ");
    return keys.length === 0 ? "an empty object" : `an object with keys ${shown}${keys.length > 5 ? ", …" : ""}`;
  }
  return `a ${typeof value}`;
}
