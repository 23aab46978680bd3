-- Design C1: design C with the args kept in the row (no args table): the control for C's
-- "args written once" choice. Same indexes as C.
--   * one partial index for live rows, (backend, status, queue_name, priority DESC,
--     runnable_at, id) WHERE status IN ('READY', 'RUNNING'): claims walk its READY part in
--     claim order, rescue reads its RUNNING part (no separate lease index);
--   * no "any queue" claim index (a claim over every queue sorts the READY rows instead);
--   * no finished index: prune deletes by primary-key range (UUIDv7 ids carry their enqueue
--     time: id < uuidv7_floor(threshold), then finished_at tested on the row);
--   * no identity index (deschedule filters the READY part of the live index);
--   * args inline, as in A: the claim and completion updates copy them (~100 bytes each).
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
CREATE INDEX tasks_results_live_idx ON tasks_results USING btree (backend, status, queue_name, priority DESC NULLS FIRST, runnable_at, id)
  WHERE status IN ('READY', 'RUNNING');
CREATE UNIQUE INDEX tasks_results_unique_key_idx ON tasks_results USING btree (backend, unique_key) WHERE unique_key IS NOT NULL AND status IN ('READY', 'RUNNING');

CREATE VIEW bench_result AS
  SELECT id, status, args, return_value, finished_at FROM tasks_results;
CREATE VIEW bench_active AS
  SELECT id FROM tasks_results WHERE status IN ('READY', 'RUNNING');
