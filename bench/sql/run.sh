#!/usr/bin/env bash
# Compares storage designs for the task table in SQL alone, with pgbench, on a private
# Postgres cluster with default settings (never the shared server on 5432).
#
#   bash bench/sql/run.sh                      # every design, 1 and 2 clients, 2 rounds, 20 s each
#   DURATION=5 ROUNDS=1 DESIGNS="A C" bash bench/sql/run.sh
#
# Environment: DURATION (s per run, 20), ROUNDS (2), CLIENTS ("1 2"), DESIGNS (every folder
# here with a life.sql), BATCH (tasks per enqueue/claim/completion, 500), PGBIN,
# ANALYZE_EVERY (seconds; when set, ANALYZE runs that often during each run, as autovacuum
# does on a long-running server: a fresh 20 s run otherwise plans on a never-analyzed table),
# VERBOSE=1 (WAL record types and pgbench statement latencies of every run, on stderr).
# Rounds interleave designs (round 1: every design, then round 2: every design again), so a
# change in the machine's load hits all designs alike. The cluster and its folder are removed
# at exit, whatever happens.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
DURATION="${DURATION:-20}"
ROUNDS="${ROUNDS:-2}"
CLIENTS="${CLIENTS:-1 2}"
BATCH="${BATCH:-500}"
if [[ -z "${DESIGNS:-}" ]]; then
  DESIGNS="$(cd "$here" && for d in */; do [[ -f "$d/life.sql" ]] && printf '%s ' "${d%/}"; done)"
fi

# shellcheck source=cluster.sh
source "$here/cluster.sh"
echo "machine: nproc $(nproc), $(free -g | awk '/^Mem:/ {print $2}') GiB memory, PostgreSQL $version (private cluster, port $port, default settings)"
echo "designs: $DESIGNS; clients: $CLIENTS; rounds: $ROUNDS; $DURATION s per run; batch $BATCH"
load_start="$(load)"
echo "load average at start: $load_start"

# Sums the record counts of pg_waldump --stats=record by record type, for the WAL of one run.
waldump_stats() {
  "$PGBIN/pg_waldump" --stats=record -p "$data/pg_wal" -s "$1" -e "$2" 2>/dev/null >"$work/waldump.txt" || true
  if [[ "${VERBOSE:-0}" == 1 ]]; then sed -E 's/\([ 0-9.]+\)//g' "$work/waldump.txt" | awk '$2 ~ /^[0-9]+$/ && $2 > 1000 { printf "    %-28s %10s records %12s bytes %12s FPI bytes\n", $1, $2, $3, $4 }' >&2; fi
  sed -E 's/\([ 0-9.]+\)//g' "$work/waldump.txt" | awk '$1 != "Total" && NF >= 5 && $2 ~ /^[0-9]+$/ { t = $1; sub(/\+INIT$/, "", t); n[t] += $2; fpi += $4 }
      END {
        heap = n["Heap/INSERT"] + n["Heap/UPDATE"] + n["Heap/HOT_UPDATE"] + n["Heap/DELETE"] + n["Heap/LOCK"]
        idx = n["Btree/INSERT_LEAF"] + n["Btree/INSERT_POST"] + n["Btree/SPLIT_L"] + n["Btree/SPLIT_R"] + n["Hash/INSERT"]
        printf "%d %d %d %d %d\n", heap, idx, n["Heap/LOCK"], fpi, n["Heap2/PRUNE"] + n["Heap2/VACUUM"]
      }'
}

# CPU ticks (1/100 s) used by the cluster so far: every live server process, plus the
# postmaster's reaped children (backends and autovacuum workers that have exited). CPU time,
# unlike tasks/s, is not inflated by waiting for a core on a loaded machine.
cluster_ticks() {
  local pm pid total=0 t
  pm="$(head -1 "$data/postmaster.pid")"
  total=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat")
  for pid in $(pgrep -P "$pm"); do
    t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}

results="$work/results.tsv"
: >"$results"
for round in $(seq 1 "$ROUNDS"); do
  for clients in $CLIENTS; do
    for design in $DESIGNS; do
      db="bench_$(tr '[:upper:]' '[:lower:]' <<<"$design")"
      psql_q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
      psql_q -d "$db" -f "$here/common.sql" -f "$here/$design/schema.sql"
      psql_q -d "$db" -c "CHECKPOINT"
      lsn0="$(psql_q -d "$db" -c 'SELECT pg_current_wal_lsn()')"
      cpu0="$(cluster_ticks)"
      t0="$(date +%s.%N)"
      analyzer=""
      if [[ -n "${ANALYZE_EVERY:-}" ]]; then
        (while sleep "$ANALYZE_EVERY"; do psql_q -d "$db" -c "ANALYZE" >/dev/null 2>&1 || true; done) &
        analyzer=$!
      fi
      /usr/bin/time -o "$work/client.time" -f "%U %S" "$PGBIN/pgbench" -n -M prepared -r -T "$DURATION" -c "$clients" -j "$clients" -D "batch=$BATCH" $(design_args "$design") \
        -f "$here/$design/life.sql" "$db" >"$work/pgbench.log" 2>&1 \
        || { echo "pgbench failed for design $design:" >&2; cat "$work/pgbench.log" >&2; exit 1; }
      t1="$(date +%s.%N)"
      if [[ -n "$analyzer" ]]; then kill "$analyzer" 2>/dev/null || true; wait "$analyzer" 2>/dev/null || true; fi
      lsn1="$(psql_q -d "$db" -c 'SELECT pg_current_wal_lsn()')"
      if grep -q "aborted" "$work/pgbench.log"; then cat "$work/pgbench.log" >&2; exit 1; fi
      if [[ "${VERBOSE:-0}" == 1 ]]; then grep -E '^ +[0-9.]+ +[0-9]+ +[A-Z(]' "$work/pgbench.log" | cut -c1-90 >&2 || true; fi
      sleep 1 # let the clients' statistics reach the shared counters, and their backends be reaped
      cpu1="$(cluster_ticks)"
      client_s="$(awk '{ print $1 + $2 }' "$work/client.time")"
      read -r done_n active_n size_b upd hot ins del autovac < <(psql_q -d "$db" -F' ' -c "
        SELECT (SELECT count(*) FROM bench_result WHERE status = 'SUCCESSFUL' AND return_value IS NOT NULL),
               (SELECT count(*) FROM bench_active),
               (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind = 'r'),
               sum(n_tup_upd), sum(n_tup_hot_upd), sum(n_tup_ins), sum(n_tup_del), sum(autovacuum_count)
        FROM pg_stat_user_tables")
      # Results stay readable by id: one finished task, looked up by its id.
      probe="$(psql_q -d "$db" -c "SELECT count(*) FROM bench_result WHERE id = (SELECT id FROM bench_result WHERE status = 'SUCCESSFUL' LIMIT 1) AND return_value IS NOT NULL")"
      [[ "$probe" == 1 ]] || { echo "design $design: a finished task cannot be read by id" >&2; exit 1; }
      wal_b="$(psql_q -d "$db" -c "SELECT pg_wal_lsn_diff('$lsn1', '$lsn0')::bigint")"
      read -r heap_n idx_n lock_n fpi_b prune_n < <(waldump_stats "$lsn0" "$lsn1" || echo "0 0 0 0 0")
      line="$(awk -v d="$design" -v c="$clients" -v r="$round" -v n="$done_n" -v a="$active_n" -v t0="$t0" -v t1="$t1" \
        -v w="$wal_b" -v f="$fpi_b" -v s="$size_b" -v u="$upd" -v h="$hot" -v hp="$heap_n" -v ix="$idx_n" -v av="$autovac" \
        -v sc="$((cpu1 - cpu0))" -v cc="$client_s" 'BEGIN {
          rows = n + a; if (n == 0) n = 1; if (rows == 0) rows = 1
          printf "%s\t%s\t%s\t%.0f\t%.1f\t%.1f\t%.0f\t%.0f\t%.2f\t%.2f\t%s\t%.0f\t%s",
            d, c, r, n / (t1 - t0), sc * 10000 / n, cc * 1e6 / n, w / n, f / n, hp / n, ix / n,
            (u > 0 ? sprintf("%.0f%%", 100 * h / u) : "-"), s / rows, av
        }')"
      printf '%s\n' "$line" >>"$results"
      printf 'round %s, %s client(s), design %s: %s tasks/s (load %s)\n' "$round" "$clients" "$design" "$(cut -f4 <<<"$line")" "$(load)"
      psql_q -d postgres -c "DROP DATABASE $db"
    done
  done
done
load_end="$(load)"

echo
echo "load average: start $load_start, end $load_end"
echo
echo "| design | clients | round | tasks/s | server CPU µs/task | pgbench CPU µs/task | WAL B/task | of which FPI B/task | heap WAL records/task | index inserts/task | HOT updates | table+index B/task | autovacuums |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
sort -t$'\t' -k2,2n -k1,1 -k3,3n "$results" | awk -F'\t' '{ printf "| %s |", $1; for (i = 2; i <= NF; i++) printf " %s |", $i; printf "\n" }'
