-- Design A: the product today. One table, every task keeps its row for life.
-- Columns and indexes as migrations/pg/0000…0003 leave them (packages/backend-drizzle).
CREATE TABLE tasks_results (
  id uuid PRIMARY KEY NOT NULL,
  backend text NOT NULL,
  task_name text NOT NULL,
  queue_name text NOT NULL,
  priority smallint NOT NULL,
  args jsonb NOT NULL,
  status text NOT NULL,
  run_after timestamp (3) with time zone,
  runnable_at timestamp (3) with time zone NOT NULL,
  enqueued_at timestamp (3) with time zone NOT NULL,
  started_at timestamp (3) with time zone,
  finished_at timestamp (3) with time zone,
  last_attempted_at timestamp (3) with time zone,
  attempts integer DEFAULT 0 NOT NULL,
  max_attempts integer NOT NULL,
  worker_ids jsonb DEFAULT '[]'::jsonb NOT NULL,
  errors jsonb DEFAULT '[]'::jsonb NOT NULL,
  return_value jsonb,
  lease_expires_at timestamp (3) with time zone,
  identity_hash text NOT NULL,
  unique_key text
);
CREATE INDEX tasks_results_claim_idx ON tasks_results USING btree (backend, queue_name, priority DESC NULLS FIRST, runnable_at, id) WHERE status = 'READY';
CREATE INDEX tasks_results_claim_any_queue_idx ON tasks_results USING btree (backend, priority DESC NULLS FIRST, runnable_at, id) WHERE status = 'READY';
CREATE UNIQUE INDEX tasks_results_unique_key_idx ON tasks_results USING btree (backend, unique_key) WHERE unique_key IS NOT NULL AND status IN ('READY', 'RUNNING');
CREATE INDEX tasks_results_lease_idx ON tasks_results USING btree (backend, lease_expires_at) WHERE status = 'RUNNING';
CREATE INDEX tasks_results_finished_idx ON tasks_results USING btree (backend, status, finished_at) WHERE (status = 'SUCCESSFUL' OR status = 'FAILED' OR status = 'CANCELLED');
CREATE INDEX tasks_results_identity_idx ON tasks_results USING hash (identity_hash) WHERE status = 'READY';

-- What the runner reads afterwards (every design defines both).
CREATE VIEW bench_result AS
  SELECT id, status, args, return_value, finished_at FROM tasks_results;
CREATE VIEW bench_active AS
  SELECT id FROM tasks_results WHERE status IN ('READY', 'RUNNING');
