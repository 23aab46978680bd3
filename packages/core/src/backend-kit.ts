/**
 * `@tasks/core/backend` — for backend authors: the storage contract, the plain records it
 * exchanges, and helpers that keep every backend's semantics the same.
 */
export type * from "./backend.js";
export type * from "./browse-contract.js";
export type * from "./records.js";
export { applyAttemptOutcome, toErrorRecord } from "./execution/outcome.js";
export { compareClaimOrder, runnableAt, queueSelected } from "./claim-order.js";
export { copyJson, canonicalJson, describeNonJson } from "./json.js";
export type { JsonValue } from "./json.js";
export { identityHash } from "./identity.js";
export { idTimeMs, newTaskId } from "./ids.js";
export { compareListPositions } from "./list-order.js";
export type { ListPosition } from "./list-order.js";
export { ResultStatus, ALL_STATUSES, FINISHED_STATUSES, isFinishedStatus } from "./status.js";
export { InvalidTaskBackendError, TasksError, StorageFaultError, EnqueueOutcomeUnknownError } from "./errors.js";
export { classifyStorageFault } from "./storage-faults.js";
export type { StorageFaultKind } from "./storage-faults.js";
export { checkRegisterSchedulesParams, checkEnqueueOccurrencesParams } from "./schedules/backend-checks.js";
export { checkListTasksParams, checkCountFinishedParams, checkTaskIds, checkDateParam } from "./browse-checks.js";
