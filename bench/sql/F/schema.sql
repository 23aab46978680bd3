-- Design F: B's split, with claims that are HOT updates. No index of the queue table names a
-- column the claim changes (status, attempts, lease, worker ids, start times), and the table
-- leaves half of each page free (fillfactor 50), so the claim writes the new row version next
-- to the old one and no index entry at all. The price: RUNNING rows stay in the claim index
-- (at its front, being the oldest), and every claim steps over them (a heap visit each).
--   queue:   primary key, claim index (backend, queue_name, priority DESC, runnable_at, id)
--            over every row, unique keys (every queue row is live, so no status predicate);
--            no lease index (rescue reads the queue table, which holds live rows only);
--   results: primary key only (getResult by id; prune by primary-key range, as in C).
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
) WITH (fillfactor = 50);
CREATE INDEX tasks_queue_claim_idx ON tasks_queue USING btree (backend, queue_name, priority DESC NULLS FIRST, runnable_at, id);
CREATE UNIQUE INDEX tasks_queue_unique_key_idx ON tasks_queue USING btree (backend, unique_key) WHERE unique_key IS NOT NULL;

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

CREATE VIEW bench_result AS
  SELECT id, status, args, NULL::jsonb AS return_value, NULL::timestamptz AS finished_at FROM tasks_queue
  UNION ALL
  SELECT id, status, args, return_value, finished_at FROM tasks_results;
CREATE VIEW bench_active AS SELECT id FROM tasks_queue;
