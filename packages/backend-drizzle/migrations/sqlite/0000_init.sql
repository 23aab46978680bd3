CREATE TABLE `tasks_results` (
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
CREATE INDEX `tasks_results_claim_idx` ON `tasks_results` (`backend`,`queue_name`,"priority" DESC,`runnable_at`,`id`) WHERE "tasks_results"."status" = 'READY';--> statement-breakpoint
CREATE INDEX `tasks_results_claim_any_queue_idx` ON `tasks_results` (`backend`,"priority" DESC,`runnable_at`,`id`) WHERE "tasks_results"."status" = 'READY';--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_results_unique_key_idx` ON `tasks_results` (`backend`,`unique_key`) WHERE "tasks_results"."unique_key" IS NOT NULL AND "tasks_results"."status" IN ('READY', 'RUNNING');--> statement-breakpoint
CREATE INDEX `tasks_results_lease_idx` ON `tasks_results` (`backend`,`lease_expires_at`) WHERE "tasks_results"."status" = 'RUNNING';--> statement-breakpoint
CREATE INDEX `tasks_results_finished_idx` ON `tasks_results` (`backend`,`status`,`finished_at`) WHERE "tasks_results"."status" IN ('SUCCESSFUL', 'FAILED', 'CANCELLED');--> statement-breakpoint
CREATE INDEX `tasks_results_identity_idx` ON `tasks_results` (`backend`,`task_name`,`identity_hash`) WHERE "tasks_results"."status" = 'READY';--> statement-breakpoint
CREATE TABLE `tasks_workers` (
	`backend` text NOT NULL,
	`worker_id` text NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`backend`, `worker_id`)
);
