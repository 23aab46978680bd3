-- Nothing changes on SQLite. This migration exists so both dialects keep the same migration
-- names (Postgres's 0009 narrows the argument-search index to failed and cancelled tasks).
-- SQLite has no such index: an argument search reads each listed row's arguments with json_tree.
SELECT 1;
