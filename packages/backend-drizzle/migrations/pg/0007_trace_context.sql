-- Trace context: both task tables get trace_context, the propagation fields (W3C traceparent,
-- tracestate) of the trace that enqueued the task, NULL for a task enqueued without tracing.
-- A nullable column without a default changes only the catalog: no row is rewritten, whatever
-- the tables hold. Each ALTER takes its table's ACCESS EXCLUSIVE lock for that moment, so it
-- waits for transactions that hold rows of the table (an atomic task's, for example), and
-- statements queue behind it.
ALTER TABLE "tasks_queue" ADD COLUMN "trace_context" jsonb;--> statement-breakpoint
ALTER TABLE "tasks_results" ADD COLUMN "trace_context" jsonb;--> statement-breakpoint
-- The trigger of 0005 (replaced by 0006) that moves a READY or RUNNING row inserted into
-- tasks_results (by a process of the version before 0005, or other code) to tasks_queue
-- carries the new column too.
CREATE OR REPLACE FUNCTION "tasks_results_route_active"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "tasks_queue" (id, backend, task_name, queue_name, priority, args, status, run_after, runnable_at, enqueued_at, started_at, finished_at, last_attempted_at, attempts, max_attempts, worker_ids, errors, return_value, lease_expires_at, identity_hash, unique_key, scheduled_for, trace_context)
    VALUES (NEW.id, NEW.backend, NEW.task_name, NEW.queue_name, NEW.priority, NEW.args, NEW.status, NEW.run_after, NEW.runnable_at,
      NEW.enqueued_at, NEW.started_at, NEW.finished_at, NEW.last_attempted_at, NEW.attempts, NEW.max_attempts, NEW.worker_ids,
      NEW.errors, NEW.return_value, NEW.lease_expires_at, NEW.identity_hash, NEW.unique_key, NEW.scheduled_for, NEW.trace_context);
  DELETE FROM "tasks_results" WHERE id = NEW.id;
  RETURN NULL;
END
$$;
