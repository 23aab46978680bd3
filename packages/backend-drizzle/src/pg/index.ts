/**
 * `@tasks/backend-drizzle/pg` — task storage in Postgres through Drizzle ORM and postgres.js.
 */
export { PostgresBackend, postgresBackend } from "./backend.js";
export type { PostgresBackendOptions } from "./options.js";
export { migrate, pendingMigrations, pgMigrationsFolder, PG_MIGRATIONS_TABLE } from "./migrate.js";
export type { MigrateOptions } from "./migrate.js";
export { tasksQueue, tasksResults, tasksSchedules, tasksWorkers } from "./schema.js";
export { ENQUEUED_CHANNEL } from "./queries.js";
export { isTransientStorageError } from "../shared/errors.js";
