/**
 * `@tasks/backend-drizzle/sqlite` — task storage in SQLite through Drizzle ORM and better-sqlite3.
 */
export { SqliteBackend, sqliteBackend } from "./backend.js";
export type { SqliteBackendOptions, SqliteDatabase } from "./options.js";
export { migrate, pendingMigrations, sqliteMigrationsFolder, SQLITE_MIGRATIONS_TABLE } from "./migrate.js";
export { SqliteOpenError } from "./open.js";
export type { MigrateOptions } from "./migrate.js";
export { tasksQueue, tasksResults, tasksSchedules, tasksWorkers } from "./schema.js";
export { SqliteBusyError, DEFAULT_BUSY_RETRY } from "./busy.js";
export type { BusyRetryPolicy } from "./busy.js";
export { isTransientStorageError } from "../shared/errors.js";
