import type postgres from "postgres";

/** A snapshot held open on its own connection: REPEATABLE READ, one statement, then waiting. */
export class HeldSnapshot {
  #release: () => void = () => {};
  #done: Promise<unknown> | undefined;
  #xmin: Promise<string>;
  readonly #sql: postgres.Sql;

  constructor(sql: postgres.Sql) {
    this.#sql = sql;
    let resolveXmin: (xmin: string) => void = () => {};
    this.#xmin = new Promise((resolve) => (resolveXmin = resolve));
    const released = new Promise<void>((resolve) => (this.#release = resolve));
    this.#done = sql.begin("isolation level repeatable read", async (tx) => {
      const [row] = await tx<{ xmin: string | null }[]>`SELECT backend_xmin::text AS xmin FROM pg_stat_activity WHERE pid = pg_backend_pid()`;
      resolveXmin(row?.xmin ?? "");
      await released;
    });
    this.#done.catch((error: unknown) => resolveXmin(`failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Resolves once the snapshot is taken; throws if the session holds no xmin. */
  async taken(): Promise<string> {
    const xmin = await this.#xmin;
    if (!/^\d+$/.test(xmin)) throw new Error(`The held transaction has no snapshot xmin (${xmin || "null"}): the held_xmin scenario would measure nothing.`);
    return xmin;
  }

  /** Commits and closes the connection. */
  async release(): Promise<void> {
    this.#release();
    await this.#done?.catch(() => {});
    await this.#sql.end({ timeout: 5 });
  }
}
