import { configuredAliases, DEFAULT_BACKEND_ALIAS, getBackend, type ResolvedBackend, type TaskBackend } from "@tasks/core";
import { UsageError } from "../run/exit-codes.js";

/** Backend kinds that live inside one process (from `@tasks/backend-memory`): another process cannot see their tasks. */
const IN_PROCESS_KINDS: ReadonlySet<string> = new Set(["memory", "dummy", "immediate"]);

/** Whether `backend` keeps its tasks inside one process (memory, dummy, immediate). */
export function isInProcess(backend: TaskBackend): boolean {
  return IN_PROCESS_KINDS.has(backend.kind);
}

/**
 * The backend `--backend` names (default `"default"`), from the configuration just applied.
 * Refuses in-process backends unless `inProcess` is `"allow"`: their tasks exist only inside
 * the process that enqueued them, so `program` (a separate process: `tasks worker`,
 * `tasks prune`, …) could never see them.
 */
export function selectDatabaseBackend(alias: string | undefined, configPath: string, program: string, inProcess: "refuse" | "allow" = "refuse"): ResolvedBackend {
  const name = alias ?? DEFAULT_BACKEND_ALIAS;
  if (!configuredAliases().includes(name)) {
    throw new UsageError(
      `Invalid value "${name}" for --backend: the tasks config ${configPath} has no backend with that alias (it has: ${configuredAliases().join(", ")}).`,
    );
  }
  const resolved = getBackend(name);
  if (inProcess === "refuse" && isInProcess(resolved.backend)) {
    throw new UsageError(
      `${alias === undefined ? "The default backend" : `Invalid value "${name}" for --backend: backend "${name}"`} is a ${resolved.backend.kind} backend (in the tasks config ${configPath}); ` +
        `its tasks exist only inside the process that enqueued them, so ${program}, which runs in a separate process, cannot see them. Use a database backend ` +
        "(such as sqliteBackend or postgresBackend from @tasks/backend-drizzle) or pass --backend with another alias.",
    );
  }
  return resolved;
}

/**
 * Refuses `--queue` names the backend alias does not allow (its `queues` list; `[]` allows
 * any): a worker on such a queue would wait forever, since nothing can be enqueued there.
 */
export function checkQueuesAllowed(queues: readonly string[] | "*", resolved: ResolvedBackend, configPath: string): void {
  if (queues === "*" || resolved.queues.length === 0) return;
  const forbidden = queues.filter((queue) => !resolved.queues.includes(queue));
  if (forbidden.length === 0) return;
  const names = forbidden.map((queue) => `"${queue}"`).join(", ");
  throw new UsageError(
    `Invalid value for --queue: backend "${resolved.alias}" does not allow ${forbidden.length === 1 ? "queue" : "queues"} ${names}; ` +
      `its "queues" in the tasks config ${configPath} allow only ${resolved.queues.join(", ")}. ` +
      `Pick from those, or add ${names} to that list (an empty list allows any queue).`,
  );
}
