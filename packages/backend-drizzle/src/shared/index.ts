/** Code shared by the Postgres and SQLite backends: row mapping, error translation, options. */
export { rowToRecord, newTaskRow, dedupeByUniqueKey, sortClaimOrder, buildHealthReport } from "./rows.js";
export type { TaskRowShape, NewTaskRowShape, WorkerRowShape, StatusCountRow, HealthParts } from "./rows.js";
export { isTransientStorageError, isUniqueViolation, storageErrorCodes, ClaimLostRollback } from "./errors.js";
export {
  requireOptionsObject,
  requireExactlyOne,
  rejectUnknownOptions,
  optionalBoolean,
  requireNonEmptyString,
  requireObject,
  describe,
} from "./options.js";
