-- Design G: design F's tables, unchanged; only the claim and completion statements differ
-- (see life.sql): their plans cannot depend on the queue table's statistics.
\ir ../F/schema.sql
