-- Live tasks (READY, RUNNING) move to their own table, tasks_queue, with the same columns;
-- tasks_results keeps the finished ones (SUCCESSFUL, FAILED, CANCELLED). The queue table and its
-- indexes stay as small as the backlog, and a finished row is written once. The claim and lease
-- indexes of tasks_results stay, empty, for processes of the previous version; its identity
-- index goes. The migrator runs every statement below in one transaction (holding the write
-- lock), so another connection sees every row in exactly one of the two tables.
CREATE TABLE `tasks_queue` (
	`id` text PRIMARY KEY NOT NULL,
	`backend` text NOT NULL,
	`task_name` text NOT NULL,
	`queue_name` text NOT NULL,
	`priority` integer NOT NULL,
	`args` text NOT NULL,
	`status` text NOT NULL,
	`run_after` integer,
	`runnable_at` integer NOT NULL,
	`enqueued_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`last_attempted_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`worker_ids` text DEFAULT '[]' NOT NULL,
	`errors` text DEFAULT '[]' NOT NULL,
	`return_value` text,
	`lease_expires_at` integer,
	`identity_hash` text NOT NULL,
	`unique_key` text
);
--> statement-breakpoint
CREATE INDEX `tasks_queue_claim_idx` ON `tasks_queue` (`backend`,`queue_name`,"priority" DESC,`runnable_at`,`id`) WHERE "tasks_queue"."status" = 'READY';--> statement-breakpoint
CREATE INDEX `tasks_queue_claim_any_queue_idx` ON `tasks_queue` (`backend`,"priority" DESC,`runnable_at`,`id`) WHERE "tasks_queue"."status" = 'READY';--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_queue_unique_key_idx` ON `tasks_queue` (`backend`,`unique_key`) WHERE "tasks_queue"."unique_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `tasks_queue_lease_idx` ON `tasks_queue` (`backend`,`lease_expires_at`) WHERE "tasks_queue"."status" = 'RUNNING';--> statement-breakpoint
-- Every live row moves with every column as it is; the finished ones stay.
INSERT INTO `tasks_queue` (`id`, `backend`, `task_name`, `queue_name`, `priority`, `args`, `status`, `run_after`, `runnable_at`, `enqueued_at`, `started_at`, `finished_at`, `last_attempted_at`, `attempts`, `max_attempts`, `worker_ids`, `errors`, `return_value`, `lease_expires_at`, `identity_hash`, `unique_key`) SELECT `id`, `backend`, `task_name`, `queue_name`, `priority`, `args`, `status`, `run_after`, `runnable_at`, `enqueued_at`, `started_at`, `finished_at`, `last_attempted_at`, `attempts`, `max_attempts`, `worker_ids`, `errors`, `return_value`, `lease_expires_at`, `identity_hash`, `unique_key` FROM `tasks_results` WHERE `status` IN ('READY', 'RUNNING');--> statement-breakpoint
DELETE FROM `tasks_results` WHERE `status` IN ('READY', 'RUNNING');--> statement-breakpoint
DROP INDEX `tasks_results_identity_idx`;--> statement-breakpoint
-- A process of the version before this migration may still run: its enqueue inserts READY rows
-- into tasks_results. Such a row goes on to tasks_queue at once, where new workers claim it; the
-- old statement still counts it as inserted. (The old version's claims, completions and
-- heartbeats find nothing in tasks_results: a task it claimed before the migration is rescued
-- after its lease and runs again, so at-least-once holds.) tasks_results_unique_key_idx stays
-- for the old statement's ON CONFLICT, and stays empty.
CREATE TRIGGER `tasks_results_route_active` AFTER INSERT ON `tasks_results`
WHEN NEW.`status` IN ('READY', 'RUNNING')
BEGIN
  INSERT INTO `tasks_queue` (`id`, `backend`, `task_name`, `queue_name`, `priority`, `args`, `status`, `run_after`, `runnable_at`, `enqueued_at`, `started_at`, `finished_at`, `last_attempted_at`, `attempts`, `max_attempts`, `worker_ids`, `errors`, `return_value`, `lease_expires_at`, `identity_hash`, `unique_key`)
  VALUES (NEW.id, NEW.backend, NEW.task_name, NEW.queue_name, NEW.priority, NEW.args, NEW.status, NEW.run_after, NEW.runnable_at, NEW.enqueued_at, NEW.started_at, NEW.finished_at, NEW.last_attempted_at, NEW.attempts, NEW.max_attempts, NEW.worker_ids, NEW.errors, NEW.return_value, NEW.lease_expires_at, NEW.identity_hash, NEW.unique_key);
  DELETE FROM `tasks_results` WHERE rowid = NEW.rowid;
END;