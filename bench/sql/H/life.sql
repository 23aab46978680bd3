-- Design H: design G's statements on F's tables, with claims that start at a cursor. Each
-- worker (here: each pgbench client) remembers the key (priority, runnable_at, id) of the last
-- row it claimed, and its claims begin the index scan just after it, so they never walk past
-- the rows that were claimed and finished before: RUNNING rows, and deleted rows whose index
-- entries cannot be removed while an old snapshot is open (the held_xmin problem). Rows that
-- become READY behind the cursor (a rescued task, a higher priority, a run_after in the past,
-- a transactional enqueue committed late) are found by a claim from the head of the index,
-- which a worker runs now and then: here one pass in :rescan (about once a second at
-- RATE 5000 / BATCH 100 / 2 clients with rescan=25).
-- Run by pgbench -M prepared with -D batch=… -D rescan=… -D cp=-32768 -D cr=1970-01-01 -D ci=00000000-0000-0000-0000-000000000000.

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

-- 2. Claim: from the head of the index one pass in :rescan, else from the cursor.
\set head random(1, :rescan)
\if :head = 1
WITH ready AS (
  SELECT id FROM tasks_queue
  WHERE backend = 'default' AND status = 'READY' AND (run_after IS NULL OR run_after <= now())
    AND queue_name = 'default' AND task_name = ANY('{bench.task}'::text[])
  ORDER BY priority, runnable_at, id LIMIT :batch FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE tasks_queue AS t SET status = 'RUNNING', attempts = greatest(t.attempts, 0) + 1,
    worker_ids = t.worker_ids || jsonb_build_array('worker-' || :client_id),
    started_at = coalesce(t.started_at, now()), last_attempted_at = now(), lease_expires_at = now() + interval '60 seconds'
  WHERE t.id = ANY (ARRAY(SELECT id FROM ready))
  RETURNING t.id AS id, t.task_name AS task_name, t.queue_name AS queue_name, t.priority AS priority, t.args::text AS args,
    t.run_after AS run_after, t.runnable_at AS runnable_at, t.enqueued_at AS enqueued_at, t.attempts AS attempts, t.max_attempts AS max_attempts,
    t.identity_hash AS identity_hash, t.unique_key AS unique_key,
    CASE WHEN t.attempts > 1 THEN t.started_at END AS started_at, NULL::timestamptz AS finished_at,
    CASE WHEN t.attempts > 1 THEN t.worker_ids::text END AS worker_ids, CASE WHEN t.attempts > 1 THEN t.errors::text END AS errors,
    NULL::text AS return_value
)
, last AS (
  SELECT priority, runnable_at, id FROM claimed ORDER BY priority DESC, runnable_at DESC, id DESC LIMIT 1
)
SELECT coalesce(array_agg(id)::text, '{}') AS ids, coalesce(array_agg(attempts)::text, '{}') AS attempts,
       coalesce(array_agg(jsonb_build_object('ok', true, 'bytes', length(args)))::text, '{}') AS rvs,
       coalesce((SELECT priority FROM last), :cp::smallint) AS cp,
       coalesce((SELECT runnable_at FROM last)::text, :cr::text) AS cr,
       coalesce((SELECT id FROM last)::text, :ci::text) AS ci
FROM claimed
\gset
\else
WITH ready AS (
  SELECT id FROM tasks_queue
  WHERE backend = 'default' AND status = 'READY' AND (run_after IS NULL OR run_after <= now())
    AND queue_name = 'default' AND task_name = ANY('{bench.task}'::text[])
    AND (priority, runnable_at, id) > (:cp::smallint, :cr::timestamptz, :ci::uuid)
  ORDER BY priority, runnable_at, id LIMIT :batch FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE tasks_queue AS t SET status = 'RUNNING', attempts = greatest(t.attempts, 0) + 1,
    worker_ids = t.worker_ids || jsonb_build_array('worker-' || :client_id),
    started_at = coalesce(t.started_at, now()), last_attempted_at = now(), lease_expires_at = now() + interval '60 seconds'
  WHERE t.id = ANY (ARRAY(SELECT id FROM ready))
  RETURNING t.id AS id, t.task_name AS task_name, t.queue_name AS queue_name, t.priority AS priority, t.args::text AS args,
    t.run_after AS run_after, t.runnable_at AS runnable_at, t.enqueued_at AS enqueued_at, t.attempts AS attempts, t.max_attempts AS max_attempts,
    t.identity_hash AS identity_hash, t.unique_key AS unique_key,
    CASE WHEN t.attempts > 1 THEN t.started_at END AS started_at, NULL::timestamptz AS finished_at,
    CASE WHEN t.attempts > 1 THEN t.worker_ids::text END AS worker_ids, CASE WHEN t.attempts > 1 THEN t.errors::text END AS errors,
    NULL::text AS return_value
)
, last AS (
  SELECT priority, runnable_at, id FROM claimed ORDER BY priority DESC, runnable_at DESC, id DESC LIMIT 1
)
SELECT coalesce(array_agg(id)::text, '{}') AS ids, coalesce(array_agg(attempts)::text, '{}') AS attempts,
       coalesce(array_agg(jsonb_build_object('ok', true, 'bytes', length(args)))::text, '{}') AS rvs,
       coalesce((SELECT priority FROM last), :cp::smallint) AS cp,
       coalesce((SELECT runnable_at FROM last)::text, :cr::text) AS cr,
       coalesce((SELECT id FROM last)::text, :ci::text) AS ci
FROM claimed
\gset
\endif


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
