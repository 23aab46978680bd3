-- Nothing changes on SQLite. This migration exists so both dialects keep the same migration
-- names (Postgres's 0008 adds the dashboard's finish-order and argument-search indexes). Here
-- the finished index (backend, status, finished_at) already serves finish-order lists, read
-- one status at a time, and the primary key serves enqueue-order lists; an argument search
-- reads each listed row's arguments with json_tree, and no index could serve it.
SELECT 1;
