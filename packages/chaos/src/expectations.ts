/**
 * Scenarios that pass on today's main (see README.md, "Latest results"). The package's
 * `test` script runs only these; `test:all` runs every scenario. Move a name here once the
 * product fix that makes it pass has landed.
 */
export const PASSING_TODAY: readonly string[] = [
  "baseline-pg",
  "kill-pg",
  "kill-sqlite",
  "pg-restart-fast",
  "pg-stop-immediate",
  "pg-terminate",
  "pg-blackhole",
  "pgbouncer-session",
  "pgbouncer-transaction",
  "sqlite-lock",
  "enqueue-restart",
  "sigterm-pg",
  "sigterm-sqlite",
];
