# Sourced by run.sh and held.sh: starts a private Postgres cluster with default settings
# (initdb into a mktemp folder owned by postgres, a free loopback port, socket in that
# folder), exports PGHOST/PGPORT/PGUSER for psql and pgbench, and removes the cluster and
# its folder when the calling script exits, whatever happens. Never the shared server.
# SERVER_OPTS adds server settings (for example "-c shared_preload_libraries=pg_stat_statements").
# Expects PGBIN; defines work, data, port, psql_q, load and version.
[[ $(id -u) -eq 0 ]] || { echo "$(basename "$0") runs as root (the server runs as user postgres through runuser)" >&2; exit 2; }

work="$(mktemp -d /tmp/tasks-sqlbench.XXXXXX)"
chown postgres: "$work"
chmod 700 "$work"
data="$work/data"

cleanup() {
  local rc=$?
  if [[ -f "$data/postmaster.pid" ]]; then
    (cd "$work" && runuser -u postgres -- "$PGBIN/pg_ctl" stop -D "$data" -m immediate -w >/dev/null 2>&1) || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

(cd "$work" && runuser -u postgres -- "$PGBIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >"$work/initdb.log" 2>&1) \
  || { cat "$work/initdb.log" >&2; exit 1; }
(cd "$work" && runuser -u postgres -- "$PGBIN/pg_ctl" start -D "$data" -w -l "$work/server.log" \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work ${SERVER_OPTS:-}") >/dev/null \
  || { cat "$work/server.log" >&2; exit 1; }

export PGHOST="$work" PGPORT="$port" PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
psql_q() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

load() { cut -d' ' -f1-3 /proc/loadavg; }
version="$(psql_q -d postgres -c 'SHOW server_version')"

# Extra pgbench arguments of a design (its pgbench.args file, if any): variables its script reads.
design_args() { [[ -f "$here/$1/pgbench.args" ]] && cat "$here/$1/pgbench.args" || true; }
