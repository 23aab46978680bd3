CREATE TABLE "tasks_results" (
	"id" uuid PRIMARY KEY NOT NULL,
	"backend" text NOT NULL,
	"task_name" text NOT NULL,
	"queue_name" text NOT NULL,
	"priority" smallint NOT NULL,
	"args" jsonb NOT NULL,
	"status" text NOT NULL,
	"run_after" timestamp (3) with time zone,
	"runnable_at" timestamp (3) with time zone NOT NULL,
	"enqueued_at" timestamp (3) with time zone NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"last_attempted_at" timestamp (3) with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"worker_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"return_value" jsonb,
	"lease_expires_at" timestamp (3) with time zone,
	"identity_hash" text NOT NULL,
	"unique_key" text
);
--> statement-breakpoint
CREATE TABLE "tasks_workers" (
	"backend" text NOT NULL,
	"worker_id" text NOT NULL,
	"last_seen_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "tasks_workers_backend_worker_id_pk" PRIMARY KEY("backend","worker_id")
);
--> statement-breakpoint
CREATE INDEX "tasks_results_claim_idx" ON "tasks_results" USING btree ("backend","queue_name","priority" DESC NULLS FIRST,"runnable_at","id") WHERE "tasks_results"."status" = 'READY';--> statement-breakpoint
CREATE INDEX "tasks_results_claim_any_queue_idx" ON "tasks_results" USING btree ("backend","priority" DESC NULLS FIRST,"runnable_at","id") WHERE "tasks_results"."status" = 'READY';--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_results_unique_key_idx" ON "tasks_results" USING btree ("backend","unique_key") WHERE "tasks_results"."unique_key" IS NOT NULL AND "tasks_results"."status" IN ('READY', 'RUNNING');--> statement-breakpoint
CREATE INDEX "tasks_results_lease_idx" ON "tasks_results" USING btree ("backend","lease_expires_at") WHERE "tasks_results"."status" = 'RUNNING';--> statement-breakpoint
CREATE INDEX "tasks_results_finished_idx" ON "tasks_results" USING btree ("backend","status","finished_at") WHERE "tasks_results"."status" IN ('SUCCESSFUL', 'FAILED', 'CANCELLED');--> statement-breakpoint
CREATE INDEX "tasks_results_identity_idx" ON "tasks_results" USING btree ("backend","task_name","identity_hash") WHERE "tasks_results"."status" = 'READY';