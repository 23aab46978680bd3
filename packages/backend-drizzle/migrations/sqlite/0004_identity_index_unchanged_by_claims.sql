-- The identity index gets an entry for every row, no longer only for READY ones. SQLite removes an
-- entry from a partial index as soon as its row leaves the index's WHERE, so the READY-only index
-- lost one entry per claimed task at a random place (keyed by a hash): one more page per task for
-- every claim to write to the WAL, about a third of a draining worker's SQLite time. Now the entry
-- is written once at enqueue and removed by prune; deschedule still finds READY rows through it.
DROP INDEX `tasks_results_identity_idx`;--> statement-breakpoint
CREATE INDEX `tasks_results_identity_idx` ON `tasks_results` (`identity_hash`);