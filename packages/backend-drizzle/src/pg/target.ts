/**
 * Which Postgres server, database and user a client connects to, for messages. Read from the
 * client's parsed options (postgres.js or node-postgres); the password is kept only so that
 * server text quoted in a message can be scrubbed of it, and is never printed.
 */

/** Where a Postgres client connects, as messages name it. */
export interface PostgresTarget {
  /** `host:port` (several joined by ", "), or "the configured server" when unknown. */
  readonly address: string;
  /** The host names alone, for "host not found" messages. */
  readonly hosts: readonly string[];
  readonly database: string | null;
  readonly user: string | null;
  /** Passwords to remove from any driver or server text before it is shown. */
  readonly secrets: readonly string[];
}

interface ClientOptions {
  host?: unknown;
  port?: unknown;
  path?: unknown;
  database?: unknown;
  user?: unknown;
  pass?: unknown;
  password?: unknown;
  connectionString?: unknown;
}

/** The {@link PostgresTarget} of a postgres.js `Sql` or node-postgres `Pool` (anything else: unknown). */
export function postgresTargetOf(client: unknown): PostgresTarget {
  const options = ((client as { options?: unknown } | null | undefined)?.options ?? {}) as ClientOptions;
  const fromUrl = parseConnectionString(options.connectionString);
  const hosts = strings(options.host ?? fromUrl?.hostname);
  const ports = strings(options.port ?? fromUrl?.port ?? (hosts.length > 0 ? 5432 : undefined));
  const socket = typeof options.path === "string" && options.path !== "" ? options.path : null;
  const address = socket ?? (hosts.length > 0 ? hosts.map((host, index) => `${host}:${ports[index] ?? ports[0] ?? 5432}`).join(", ") : "the configured server");
  const secrets = [options.pass, options.password, fromUrl?.password, safeDecode(fromUrl?.password)].filter(
    (value): value is string => typeof value === "string" && value !== "",
  );
  return {
    address,
    hosts,
    database: text(options.database) ?? text(fromUrl?.pathname.replace(/^\//, "")),
    user: text(options.user) ?? text(safeDecode(fromUrl?.username)),
    secrets,
  };
}

/** `message` with every secret of `target` replaced by `***`. */
export function scrub(message: string, target: PostgresTarget): string {
  return target.secrets.reduce((result, secret) => result.split(secret).join("***"), message);
}

function parseConnectionString(value: unknown): URL | null {
  if (typeof value !== "string") return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function strings(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined || value === null || value === "" ? [] : [value];
  return values.map(String);
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function safeDecode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
