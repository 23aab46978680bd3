-- Design H: design F's tables, with the claim index in ascending order so that a claim can
-- start its index scan at a cursor with a row comparison `(priority, runnable_at, id) > (...)`.
-- (Postgres compares rows in ascending order on every column; the product would store the
-- priority negated, or as its sort key, to keep "higher priority first".)
\ir ../F/schema.sql
DROP INDEX tasks_queue_claim_idx;
CREATE INDEX tasks_queue_claim_idx ON tasks_queue USING btree (backend, queue_name, priority, runnable_at, id);
