-- Nothing changes on Postgres. This migration exists so both dialects keep the same migration
-- names (SQLite's 0004 makes its identity index cover every row: SQLite deletes a partial-index
-- entry as soon as a claim moves the row out of the index's WHERE, one more WAL page per task).
-- Postgres leaves index entries of updated rows for vacuum to remove, so its READY-only hash
-- index costs nothing at claim time and stays as it is.
SELECT 1;
