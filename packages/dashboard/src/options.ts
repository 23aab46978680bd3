/** The options of {@link createDashboard}, checked once when the dashboard is created. */
import { randomBytes } from "node:crypto";

/** Who is using the dashboard, as `authorize` returns it; named in the log of every action. */
export interface DashboardUser {
  /** A name for logs ("alice", "token", an e-mail address…). */
  readonly name: string;
  /**
   * Your session id, if you have one: it goes into the CSRF token, so a token from one session
   * is refused in another. Without it, the token is the same for every session of the user.
   */
  readonly session?: string;
}

/** One action done through the dashboard, as `onAction` receives it and the log line "dashboard action" records it. */
export interface DashboardActionEvent {
  /** Who confirmed it. */
  readonly user: string;
  readonly action: "retry" | "cancel" | "delete";
  /** Backend alias. */
  readonly backend: string;
  /** The ids the action was applied to (for a bulk action: every id the filter selected). */
  readonly ids: readonly string[];
  /** How many tasks the action changed. */
  readonly count: number;
  /** True for a bulk action on a filtered list. */
  readonly bulk: boolean;
}

/** Options of {@link createDashboard}. */
export interface DashboardOptions {
  /**
   * Required. Decides who may see the dashboard: returns the user, or `null` to refuse (401).
   * Called for every request, before anything is read.
   */
  readonly authorize: (request: Request) => DashboardUser | null | Promise<DashboardUser | null>;
  /** The path the handler is mounted under, such as `"/admin/tasks"`. Default `""` (the root). */
  readonly basePath?: string;
  /** No action forms, and every action route answers 403. Default `false`. */
  readonly readOnly?: boolean;
  /**
   * Key of the HMAC that makes each user's CSRF token (at least 16 characters or bytes).
   * Default: random per process, so tokens in open pages stop working after a restart.
   */
  readonly secret?: string | Uint8Array;
  /** Backend aliases to show. Default: every configured alias. */
  readonly backends?: readonly string[];
  /** Called after every action, after it is logged. */
  readonly onAction?: (event: DashboardActionEvent) => void | Promise<void>;
  /** Tasks per list page, 1 to 500. Default 50. */
  readonly pageSize?: number;
  /** Most tasks a bulk action may cover; a filter that selects more is refused. Default 10,000. */
  readonly bulkLimit?: number;
  /** Page title. Default `"Tasks"`. */
  readonly title?: string;
}

/** {@link DashboardOptions} with every default filled in. */
export interface ResolvedDashboardOptions {
  readonly authorize: DashboardOptions["authorize"];
  readonly basePath: string;
  readonly readOnly: boolean;
  readonly secret: Uint8Array;
  readonly backends: readonly string[] | null;
  readonly onAction: DashboardOptions["onAction"] | null;
  readonly pageSize: number;
  readonly bulkLimit: number;
  readonly title: string;
}

/** The default CSRF secret: made once per process, so every dashboard of the process shares it. */
const PROCESS_SECRET = randomBytes(32);

/** Checks the options and fills in defaults; throws a `TypeError` naming the option that is wrong. */
export function resolveDashboardOptions(options: DashboardOptions): ResolvedDashboardOptions {
  if (!options || typeof options !== "object" || typeof options.authorize !== "function") {
    throw new TypeError(
      "createDashboard() needs an `authorize(request)` function that returns the user ({ name }) or null; the dashboard can retry, cancel and delete tasks, so it never runs without one. For a single shared secret use serveDashboard({ token }).",
    );
  }
  const basePath = normalizeBasePath(options.basePath ?? "");
  const secret = typeof options.secret === "string" ? new TextEncoder().encode(options.secret) : (options.secret ?? PROCESS_SECRET);
  if (!(secret instanceof Uint8Array) || secret.byteLength < 16) {
    throw new TypeError("createDashboard(): `secret` must be a string or Uint8Array of at least 16 characters/bytes (or leave it out for a random one per process).");
  }
  const pageSize = options.pageSize ?? 50;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) {
    throw new TypeError(`createDashboard(): \`pageSize\` must be a whole number from 1 to 500 (got ${String(pageSize)}).`);
  }
  const bulkLimit = options.bulkLimit ?? 10_000;
  if (!Number.isInteger(bulkLimit) || bulkLimit < 1) {
    throw new TypeError(`createDashboard(): \`bulkLimit\` must be a whole number ≥ 1 (got ${String(bulkLimit)}).`);
  }
  if (options.backends !== undefined && (!Array.isArray(options.backends) || options.backends.some((alias) => typeof alias !== "string"))) {
    throw new TypeError("createDashboard(): `backends` must be an array of backend aliases.");
  }
  if (options.onAction !== undefined && typeof options.onAction !== "function") {
    throw new TypeError("createDashboard(): `onAction` must be a function.");
  }
  return {
    authorize: options.authorize,
    basePath,
    readOnly: options.readOnly === true,
    secret,
    backends: options.backends ?? null,
    onAction: options.onAction ?? null,
    pageSize,
    bulkLimit,
    title: options.title ?? "Tasks",
  };
}

/** `""`, or a path that starts with `/` and does not end with one. */
export function normalizeBasePath(basePath: string): string {
  if (typeof basePath !== "string" || (basePath !== "" && !basePath.startsWith("/")) || /[?#\s]/.test(basePath)) {
    throw new TypeError(`basePath must be "" or a path starting with "/", such as "/admin/tasks" (got ${JSON.stringify(basePath)}).`);
  }
  return basePath.replace(/\/+$/, "");
}
