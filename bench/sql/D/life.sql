-- Design D: design F's statements, with claim and completion committed asynchronously
-- (SET LOCAL synchronous_commit = off: the commit returns before its WAL reaches the disk;
-- the WAL writer flushes it within 3 × wal_writer_delay = 600 ms). Enqueue stays synchronous:
-- a task the caller was told is stored must survive a crash. A claim or completion lost in a
-- crash is what at-least-once already covers: the task is claimed again (READY row) or
-- rescued after its lease (RUNNING row) and runs again. Not for atomic tasks, whose
-- completion commits with the task's own writes.
-- Run by pgbench -M prepared; :batch is set by run.sh (-D batch=500).

-- 1. Enqueue: INSERT_SHARED_TEXT of statements.ts (an enqueueMany of one task), with its NOTIFY.
--    The product sends id, args and identity hash per task as one JSON parameter; here the
--    rows are made by the server (UUIDv7 ids in batch order, ~100 bytes of args, sha256 hex).
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

BEGIN;
SET LOCAL synchronous_commit = off;
-- 2. Claim: claimText() of statements.ts for one queue and the worker's task names, with its
--    RETURNING list. The outer SELECT only turns the claimed rows into the completion's JSON
--    parameter (what the worker sends back), so pgbench can pass it on.
WITH ready AS (
  SELECT id FROM tasks_queue
  WHERE backend = 'default' AND status = 'READY' AND (run_after IS NULL OR run_after <= now())
    AND queue_name = 'default' AND task_name = ANY('{bench.task}'::text[])
  ORDER BY priority DESC, runnable_at, id LIMIT :batch FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE tasks_queue AS t SET status = 'RUNNING', attempts = greatest(t.attempts, 0) + 1,
    worker_ids = t.worker_ids || jsonb_build_array('worker-' || :client_id),
    started_at = coalesce(t.started_at, now()), last_attempted_at = now(), lease_expires_at = now() + interval '60 seconds'
  FROM ready WHERE t.id = ready.id
  RETURNING t.id AS id, t.task_name AS task_name, t.queue_name AS queue_name, t.priority AS priority, t.args::text AS args,
    t.run_after AS run_after, t.enqueued_at AS enqueued_at, t.attempts AS attempts, t.max_attempts AS max_attempts,
    t.identity_hash AS identity_hash, t.unique_key AS unique_key,
    CASE WHEN t.attempts > 1 THEN t.started_at END AS started_at, NULL::timestamptz AS finished_at,
    CASE WHEN t.attempts > 1 THEN t.worker_ids::text END AS worker_ids, CASE WHEN t.attempts > 1 THEN t.errors::text END AS errors,
    NULL::text AS return_value
)
SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'attempt', attempts,
         'return_value', jsonb_build_object('ok', true, 'bytes', length(args))))::text, '[]') AS done
FROM claimed
\gset
COMMIT;

BEGIN;
SET LOCAL synchronous_commit = off;
-- 3. Completion: the same guard (still RUNNING under the same attempt); the row leaves the
--    queue and lands in the results table with its return value, in one statement.
WITH v AS (
  SELECT * FROM jsonb_to_recordset(:done::jsonb) AS v(id uuid, attempt integer, return_value jsonb)
), done AS (
  DELETE FROM tasks_queue AS q USING v
  WHERE q.id = v.id AND q.backend = 'default' AND q.attempts = v.attempt AND q.status = 'RUNNING'
  RETURNING q.*, v.return_value
)
INSERT INTO tasks_results (id, backend, task_name, queue_name, priority, args, status, run_after, enqueued_at, started_at,
    finished_at, last_attempted_at, attempts, max_attempts, worker_ids, errors, return_value, identity_hash, unique_key)
SELECT id, backend, task_name, queue_name, priority, args, 'SUCCESSFUL', run_after, enqueued_at, started_at,
    now(), last_attempted_at, attempts, max_attempts, worker_ids, errors, return_value, identity_hash, unique_key
FROM done
RETURNING id;
COMMIT;
