import type { ResolvedBackend, StorageCheck } from "@tasks/core";
import { CommandFailure } from "./exit-codes.js";

/** The kinds of problem a backend's `verify()` reports. */
export type StorageProblemKind = Extract<StorageCheck, { ok: false }>["problem"];

/**
 * Runs the backend's start-up check when it has one (`verify()`), and throws a
 * {@link CommandFailure} with its one-sentence message on a problem, unless the problem is
 * one of `tolerate` (`tasks migrate` tolerates missing and outdated tables: it fixes them).
 */
export async function verifyStorage(resolved: ResolvedBackend, tolerate: readonly StorageProblemKind[] = []): Promise<void> {
  const check = await resolved.backend.verify?.();
  if (!check || check.ok || tolerate.includes(check.problem)) return;
  throw new CommandFailure(check.message);
}
