DROP INDEX "tasks_results_identity_idx";--> statement-breakpoint
CREATE INDEX "tasks_results_identity_idx" ON "tasks_results" USING hash ("identity_hash") WHERE "tasks_results"."status" = 'READY';