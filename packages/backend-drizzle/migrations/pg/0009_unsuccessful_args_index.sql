-- The dashboard's argument search index (0008) covers failed and cancelled tasks only. Over
-- every finished task it cost each completion about 340 bytes of WAL and a few microseconds of
-- Postgres time, most of what 0008 took from the drain (BENCHMARKS.md). A search among failed
-- or cancelled tasks still reads this index; one that includes successful tasks walks the
-- finish-order or primary-key index with the search as a filter (docs/dashboard-plans.md).
-- CREATE INDEX blocks writes to tasks_results while it reads the table (about a second per
-- million finished rows; it indexes only the failures). On a large table run first, by hand:
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS "tasks_results_unsuccessful_args_idx" ON "tasks_results"
--     USING gin ("args") WHERE "status" IN ('FAILED', 'CANCELLED');
--   DROP INDEX CONCURRENTLY IF EXISTS "tasks_results_args_idx";
-- and this migration then changes nothing.
CREATE INDEX IF NOT EXISTS "tasks_results_unsuccessful_args_idx" ON "tasks_results" USING gin ("args") WHERE "tasks_results"."status" IN ('FAILED', 'CANCELLED');--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_results_args_idx";
