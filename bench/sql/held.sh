#!/usr/bin/env bash
# Steady load with a snapshot held open in the middle, in SQL alone, on a private Postgres
# cluster with default settings (autovacuum on). For each design, pgbench runs its life.sql
# at a fixed rate (-R) for BEFORE + HOLD + AFTER seconds; after BEFORE seconds another
# session runs one long statement (pg_sleep) whose snapshot keeps every row version newer
# than it from being removed, as a long report or a forgotten transaction does. Every 10 s
# the script records the rate reached, pgbench's schedule lag, dead tuples, the size of the
# design's tables and indexes, and the claim statement's time and buffers per call
# (pg_stat_statements).
#
#   bash bench/sql/held.sh                         # designs A and G, 5,000 tasks/s, 60 + 120 + 60 s
#   RATE=8000 HOLD=60 DESIGNS="G" bash bench/sql/held.sh
#
# Environment: RATE (tasks/s offered, 5000), BATCH (tasks per life.sql pass, 100), CLIENTS (2),
# BEFORE (60), HOLD (120), AFTER (60), DESIGNS ("A G"), PGBIN, KEEP_LOG=file (copy the server log
# there), EXTRA_PRELOAD (",auto_explain") and EXTRA_SERVER_OPTS (settings for it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
RATE="${RATE:-5000}"
BATCH="${BATCH:-100}"
CLIENTS="${CLIENTS:-2}"
BEFORE="${BEFORE:-60}"
HOLD="${HOLD:-120}"
AFTER="${AFTER:-60}"
DESIGNS="${DESIGNS:-A G}"
SERVER_OPTS="-c shared_preload_libraries=pg_stat_statements${EXTRA_PRELOAD:-} -c pg_stat_statements.track=all ${EXTRA_SERVER_OPTS:-}"

# shellcheck source=cluster.sh
source "$here/cluster.sh"
total=$((BEFORE + HOLD + AFTER))
passes_per_s="$(awk -v r="$RATE" -v b="$BATCH" 'BEGIN { printf "%.2f", r / b }')"
echo "machine: nproc $(nproc), PostgreSQL $version (private cluster, default settings, autovacuum on)"
echo "designs: $DESIGNS; $RATE tasks/s offered ($passes_per_s passes of $BATCH per s, $CLIENTS clients); hold from ${BEFORE}s to $((BEFORE + HOLD))s of ${total}s"
echo "load average at start: $(load)"

# One line per 10 s: elapsed, dead tuples, bytes of tables and indexes, claim calls, claim ms, claim buffers hit.
sample() {
  psql_q -d "$1" -F' ' -c "
    SELECT (SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables),
           (SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_stat_user_tables),
           coalesce(sum(calls), 0), coalesce(sum(total_exec_time), 0), coalesce(sum(shared_blks_hit), 0)
    FROM pg_stat_statements WHERE query LIKE '%SKIP LOCKED%' AND query NOT LIKE '%pg_stat_statements%'"
}

summary="$work/summary.md"
: >"$summary"
for design in $DESIGNS; do
  db="held_$(tr '[:upper:]' '[:lower:]' <<<"$design")"
  psql_q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  psql_q -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -f "$here/common.sql" -f "$here/$design/schema.sql"
  psql_q -d "$db" -c "SELECT pg_stat_statements_reset()" >/dev/null
  "$PGBIN/pgbench" -n -M prepared -R "$passes_per_s" -P 10 -T "$total" -c "$CLIENTS" -j "$CLIENTS" -D "batch=$BATCH" $(design_args "$design") \
    -f "$here/$design/life.sql" "$db" >"$work/pgbench.log" 2>"$work/progress.log" &
  bench_pid=$!
  samples="$work/samples-$design.txt"
  : >"$samples"
  (
    for ((t = 10; t <= total; t += 10)); do
      sleep 10
      printf '%s %s\n' "$t" "$(sample "$db")" >>"$samples"
    done
  ) &
  sampler=$!
  sleep "$BEFORE"
  psql_q -d "$db" -c "SELECT txid_current(), pg_sleep($HOLD)" >/dev/null &
  holder=$!
  wait "$holder"
  wait "$bench_pid" || { echo "pgbench failed for design $design:" >&2; cat "$work/pgbench.log" "$work/progress.log" >&2; exit 1; }
  wait "$sampler" || true
  if grep -q "aborted" "$work/pgbench.log"; then cat "$work/pgbench.log" >&2; exit 1; fi

  echo
  echo "design $design (load $(load)):"
  echo "| s | phase | tasks/s | lag ms | dead tuples | tables+indexes MB | claim ms/call | claim buffers/call |"
  echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  # progress lines: "progress: 10.0 s, 49.9 tps, lat 3.1 ms stddev 0.9, lag 0.2 ms"
  awk -v b="$BATCH" -v h0="$BEFORE" -v h1="$((BEFORE + HOLD))" -v d="$design" -v sum="$summary" -v rate="$RATE" '
    FNR == NR { dead[$1] = $2; size[$1] = $3; calls[$1] = $4; ms[$1] = $5; hit[$1] = $6; next }
    /^progress:/ {
      t = $2 + 0; tps = $4 + 0; lag = 0
      for (i = 1; i <= NF; i++) if ($i == "lag") lag = $(i + 1) + 0
      p = (t <= h0) ? "before" : (t <= h1 ? "held" : "after")
      dc = calls[t] - pc; dm = ms[t] - pm; dh = hit[t] - ph; pc = calls[t]; pm = ms[t]; ph = hit[t]
      printf "| %d | %s | %.0f | %.1f | %d | %.1f | %s | %s |\n", t, p, tps * b, lag, dead[t], size[t] / 1048576,
        (dc > 0 ? sprintf("%.2f", dm / dc) : "-"), (dc > 0 ? sprintf("%.0f", dh / dc) : "-")
      if (t > 10) { n[p]++; r[p] += tps * b }
      if (p == "held") lastheld = tps * b
      if (p == "after" && t <= h1 + 60) { n1++; r1 += tps * b }
    }
    END {
      before = n["before"] ? r["before"] / n["before"] : 0
      held = n["held"] ? r["held"] / n["held"] : 0
      after = n1 ? r1 / n1 : 0
      printf "| %s | %d | %.0f | %.0f (%.0f%%) | %.0f (%.0f%%) | %.0f (%.0f%%) |\n", d, rate, before, held,
        (before ? 100 * held / before : 0), lastheld, (before ? 100 * lastheld / before : 0), after, (before ? 100 * after / before : 0) >> sum
    }' "$samples" "$work/progress.log"
  psql_q -d postgres -c "DROP DATABASE $db"
done

echo
echo "load average at end: $(load)"
echo
echo "| design | offered tasks/s | before (tasks/s, after the first 10 s) | held: mean | held: last 10 s | first minute after |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
cat "$summary"
if [[ -n "${KEEP_LOG:-}" ]]; then cp "$work/server.log" "$KEEP_LOG"; fi
