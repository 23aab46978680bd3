-- Design I (statements: H/life.sql, linked): the split of F (queue + results) with a claim index that holds READY rows only,
-- in ascending order for cursor claims (as H). Claims are no longer HOT (the status is in the
-- index predicate, so each claim writes a new primary-key entry), but the planner always
-- has a small index that matches the claim's filter and order: with H's index over every
-- queue row, a bloated queue table analysed at a quiet moment can turn the claim into a
-- sequential scan of the whole table.
\ir ../F/schema.sql
DROP INDEX tasks_queue_claim_idx;
CREATE INDEX tasks_queue_claim_idx ON tasks_queue USING btree (backend, queue_name, priority, runnable_at, id) WHERE status = 'READY';
