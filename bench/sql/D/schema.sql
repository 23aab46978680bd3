-- Design D: design F's tables, unchanged; only the transactions differ (see life.sql).
\ir ../F/schema.sql
