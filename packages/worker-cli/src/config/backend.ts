import { configuredAliases, DEFAULT_BACKEND_ALIAS, getBackend, type ResolvedBackend } from "@tasks/core";
import { UsageError } from "../run/exit-codes.js";

/** Backend kinds that live inside one process (from `@tasks/backend-memory`): another process cannot see their tasks. */
const IN_PROCESS_KINDS: ReadonlySet<string> = new Set(["memory", "dummy", "immediate"]);

/**
 * The backend `--backend` names (default `"default"`), from the configuration just applied.
 * With `requireDatabase`, refuses in-process backends, whose tasks a separate worker process
 * could never see.
 */
export function selectBackend(alias: string | undefined, configPath: string, options: { requireDatabase: boolean }): ResolvedBackend {
  const name = alias ?? DEFAULT_BACKEND_ALIAS;
  if (!configuredAliases().includes(name)) {
    throw new UsageError(
      `Invalid value "${name}" for --backend: the tasks config ${configPath} has no backend with that alias (it has: ${configuredAliases().join(", ")}).`,
    );
  }
  const resolved = getBackend(name);
  if (options.requireDatabase && IN_PROCESS_KINDS.has(resolved.backend.kind)) {
    throw new UsageError(
      `${alias === undefined ? "The default backend" : `Invalid value "${name}" for --backend: backend "${name}"`} is a ${resolved.backend.kind} backend (in the tasks config ${configPath}); ` +
        "its tasks exist only inside the process that enqueued them, so a separate worker cannot run them. Use a database backend " +
        "(such as sqliteBackend or postgresBackend from @tasks/backend-drizzle) or pass --backend with another alias.",
    );
  }
  return resolved;
}
