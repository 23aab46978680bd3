-- Design G: F's tables (split queue and results, HOT claims) with statements whose plans do not
-- depend on the queue table's statistics. The small, churning queue table is analysed at
-- random moments (or never, in a short run); F's completion, a join of the queue with the
-- JSON recordset, then turned into a nested loop that re-read the recordset for every queue
-- row (80 ms instead of 8 ms per 500 tasks). Here no statement joins the queue table:
--   claim:      the locked ids go to the UPDATE as an array, `id = ANY(ARRAY(...))` (a primary
--               key lookup per id);
--   completion: ids, attempts and return values arrive as three arrays in the same order; the
--               DELETE finds its rows by `id = ANY($ids)` and checks each row's attempt at
--               its place in the array, so the only plan choice is index scan or scan of a
--               table that really is small.
-- Run by pgbench -M prepared; :batch is set by run.sh (-D batch=500).

-- 1. Enqueue: as in F.
WITH v AS (
  SELECT uuidv7(g) AS id, a.args, encode(sha256(convert_to('bench.task/' || a.args::text, 'UTF8')), 'hex') AS identity_hash
  FROM generate_series(1, :batch::int) AS g, LATERAL (SELECT bench_args(g) AS args OFFSET 0) AS a
), ins AS (
  INSERT INTO tasks_queue (id, backend, task_name, queue_name, priority, args, status, run_after, runnable_at,
      enqueued_at, attempts, max_attempts, worker_ids, errors, identity_hash, unique_key)
  SELECT v.id, 'default', 'bench.task', 'default', 0::smallint, v.args, 'READY', NULL::timestamptz,
      coalesce(NULL::timestamptz, now()), now(), 0, 1, '[]'::jsonb, '[]'::jsonb, v.identity_hash, NULL
  FROM v
  RETURNING 1
), notified AS (
  SELECT pg_notify('tasks_enqueued', q) FROM unnest('{default}'::text[]) AS q
)
SELECT count(*) AS inserted, (SELECT count(*) FROM notified) AS notified FROM ins;

-- 2. Claim. The outer SELECT turns the claimed rows into the completion's three arrays (what
--    the worker would send back), so pgbench can pass them on.
WITH ready AS (
  SELECT id FROM tasks_queue
  WHERE backend = 'default' AND status = 'READY' AND (run_after IS NULL OR run_after <= now())
    AND queue_name = 'default' AND task_name = ANY('{bench.task}'::text[])
  ORDER BY priority DESC, runnable_at, id LIMIT :batch FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE tasks_queue AS t SET status = 'RUNNING', attempts = greatest(t.attempts, 0) + 1,
    worker_ids = t.worker_ids || jsonb_build_array('worker-' || :client_id),
    started_at = coalesce(t.started_at, now()), last_attempted_at = now(), lease_expires_at = now() + interval '60 seconds'
  WHERE t.id = ANY (ARRAY(SELECT id FROM ready))
  RETURNING t.id AS id, t.task_name AS task_name, t.queue_name AS queue_name, t.priority AS priority, t.args::text AS args,
    t.run_after AS run_after, t.enqueued_at AS enqueued_at, t.attempts AS attempts, t.max_attempts AS max_attempts,
    t.identity_hash AS identity_hash, t.unique_key AS unique_key,
    CASE WHEN t.attempts > 1 THEN t.started_at END AS started_at, NULL::timestamptz AS finished_at,
    CASE WHEN t.attempts > 1 THEN t.worker_ids::text END AS worker_ids, CASE WHEN t.attempts > 1 THEN t.errors::text END AS errors,
    NULL::text AS return_value
)
SELECT coalesce(array_agg(id)::text, '{}') AS ids, coalesce(array_agg(attempts)::text, '{}') AS attempts,
       coalesce(array_agg(jsonb_build_object('ok', true, 'bytes', length(args)))::text, '{}') AS rvs
FROM claimed
\gset

-- 3. Completion: still RUNNING under the same attempt; the row leaves the queue and lands in
--    the results table with its return value, in one statement.
WITH done AS (
  DELETE FROM tasks_queue AS q
  WHERE q.id = ANY (:ids::uuid[]) AND q.backend = 'default' AND q.status = 'RUNNING'
    AND q.attempts = (:attempts::int[])[array_position(:ids::uuid[], q.id)]
  RETURNING q.*, (:rvs::jsonb[])[array_position(:ids::uuid[], q.id)] AS return_value
)
INSERT INTO tasks_results (id, backend, task_name, queue_name, priority, args, status, run_after, enqueued_at, started_at,
    finished_at, last_attempted_at, attempts, max_attempts, worker_ids, errors, return_value, identity_hash, unique_key)
SELECT id, backend, task_name, queue_name, priority, args, 'SUCCESSFUL', run_after, enqueued_at, started_at,
    now(), last_attempted_at, attempts, max_attempts, worker_ids, errors, return_value, identity_hash, unique_key
FROM done
RETURNING id;
