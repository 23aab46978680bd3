-- Design B: a hot queue table for READY and RUNNING tasks, and a results table for finished
-- ones. Completion moves a row in one statement (DELETE … RETURNING feeding an INSERT), so
-- the queue stays as small as the work in flight and its indexes never hold finished rows.
-- Index set: A's, each on the table where its rows live (to isolate the effect of the split).
CREATE TABLE tasks_queue (
  id uuid PRIMARY KEY NOT NULL,
  backend text NOT NULL,
  task_name text NOT NULL,
  queue_name text NOT NULL,
  priority smallint NOT NULL,
  args jsonb NOT NULL,
  status text NOT NULL,                       -- READY or RUNNING only
  run_after timestamp (3) with time zone,
  runnable_at timestamp (3) with time zone NOT NULL,
  enqueued_at timestamp (3) with time zone NOT NULL,
  started_at timestamp (3) with time zone,
  last_attempted_at timestamp (3) with time zone,
  attempts integer DEFAULT 0 NOT NULL,
  max_attempts integer NOT NULL,
  worker_ids jsonb DEFAULT '[]'::jsonb NOT NULL,
  errors jsonb DEFAULT '[]'::jsonb NOT NULL,
  lease_expires_at timestamp (3) with time zone,
  identity_hash text NOT NULL,
  unique_key text
);
CREATE INDEX tasks_queue_claim_idx ON tasks_queue USING btree (backend, queue_name, priority DESC NULLS FIRST, runnable_at, id) WHERE status = 'READY';
CREATE INDEX tasks_queue_claim_any_queue_idx ON tasks_queue USING btree (backend, priority DESC NULLS FIRST, runnable_at, id) WHERE status = 'READY';
CREATE UNIQUE INDEX tasks_queue_unique_key_idx ON tasks_queue USING btree (backend, unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX tasks_queue_lease_idx ON tasks_queue USING btree (backend, lease_expires_at) WHERE status = 'RUNNING';
CREATE INDEX tasks_queue_identity_idx ON tasks_queue USING hash (identity_hash) WHERE status = 'READY';

CREATE TABLE tasks_results (
  id uuid PRIMARY KEY NOT NULL,
  backend text NOT NULL,
  task_name text NOT NULL,
  queue_name text NOT NULL,
  priority smallint NOT NULL,
  args jsonb NOT NULL,
  status text NOT NULL,                       -- SUCCESSFUL, FAILED or CANCELLED
  run_after timestamp (3) with time zone,
  enqueued_at timestamp (3) with time zone NOT NULL,
  started_at timestamp (3) with time zone,
  finished_at timestamp (3) with time zone NOT NULL,
  last_attempted_at timestamp (3) with time zone,
  attempts integer NOT NULL,
  max_attempts integer NOT NULL,
  worker_ids jsonb NOT NULL,
  errors jsonb NOT NULL,
  return_value jsonb,
  identity_hash text NOT NULL,
  unique_key text
);
CREATE INDEX tasks_results_finished_idx ON tasks_results USING btree (backend, status, finished_at);

-- getResult(id): one primary-key lookup in each table, under one snapshot.
CREATE VIEW bench_result AS
  SELECT id, status, args, NULL::jsonb AS return_value, NULL::timestamptz AS finished_at FROM tasks_queue
  UNION ALL
  SELECT id, status, args, return_value, finished_at FROM tasks_results;
CREATE VIEW bench_active AS SELECT id FROM tasks_queue;
