-- The dashboard's indexes on tasks_results (listTasks, countFinished). Finished tasks in finish
-- order from a cursor (finish time, id) walk the btree; a search for a value anywhere in the
-- arguments (args @? '$.** ? (@ == value)') uses the GIN index, in the default jsonb_ops class
-- because jsonb_path_ops cannot serve the .** accessor. Each index costs every completion one
-- entry. CREATE INDEX (not CONCURRENTLY: migrations run in a transaction) blocks writes to
-- tasks_results while it builds, so completions wait: about a second per million finished rows
-- for the btree and several for the GIN index. On a large table create both by hand first with
-- CREATE INDEX CONCURRENTLY IF NOT EXISTS and the same definitions; this migration then skips them.
CREATE INDEX IF NOT EXISTS "tasks_results_finished_order_idx" ON "tasks_results" USING btree ("backend","finished_at","id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "tasks_results_args_idx" ON "tasks_results" USING gin ("args");
