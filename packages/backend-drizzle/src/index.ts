/**
 * `@tasks/backend-drizzle` — task storage on Drizzle ORM. Import a dialect from
 * `@tasks/backend-drizzle/pg` or `@tasks/backend-drizzle/sqlite`; this entry holds only the
 * dialect-free helper workers use to decide whether a storage error is worth retrying.
 */
export { isTransientStorageError } from "./shared/errors.js";
