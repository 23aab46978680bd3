import { getLogger } from "./config.js";
import { InvalidTaskError } from "./errors.js";

type Hook = () => unknown;

/** Anything with Drizzle's `transaction(callback)` method: a database or a transaction. */
export interface TransactionCapable<Tx> {
  transaction(callback: (tx: Tx) => never): unknown;
}

const hooksByTransaction = new WeakMap<object, Hook[]>();

/**
 * Runs `fn` in a transaction of `db` (a Drizzle database, or a transaction for a nested
 * savepoint) and runs the functions registered with {@link onCommit} once the outermost
 * transaction commits; a rollback (a throw) drops them. Works with async transactions
 * (postgres.js) and synchronous ones (better-sqlite3, whose callbacks must not be async).
 *
 * @example
 * await withCommitHooks(db, async (tx) => {
 *   await tx.insert(orders).values(order);
 *   sendReceipt.enqueueOnCommit(tx, order.id);
 * });
 */
export async function withCommitHooks<Tx extends object, T>(
  db: { transaction(callback: (tx: Tx) => T): unknown },
  fn: (tx: Tx) => T,
): Promise<Awaited<T>> {
  const parent = hooksByTransaction.get(db as object);
  const hooks: Hook[] = [];
  const result = (await db.transaction((tx: Tx) => {
    hooksByTransaction.set(tx, hooks);
    return fn(tx);
  })) as Awaited<T>;
  if (parent) {
    // A savepoint released: its hooks now wait for the enclosing transaction.
    parent.push(...hooks);
    return result;
  }
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      getLogger().error("A function registered with onCommit() failed after the transaction committed.", {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return result;
}

/**
 * Registers `fn` to run after the transaction `tx` (opened with {@link withCommitHooks})
 * commits; it never runs if the transaction rolls back.
 */
export function onCommit(tx: object, fn: Hook): void {
  const hooks = hooksByTransaction.get(tx);
  if (!hooks) {
    throw new InvalidTaskError(
      "onCommit() needs a transaction opened with withCommitHooks(db, (tx) => ...); this transaction was opened another way, so its commit cannot be observed.",
    );
  }
  hooks.push(fn);
}
