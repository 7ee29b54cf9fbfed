#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for the scale-out tests.
#   pg-fixture.sh start STATE_DIR   initdb in STATE_DIR/data, listen on 127.0.0.1:<free port>,
#                                   write the connection URL to STATE_DIR/url
#   pg-fixture.sh stop STATE_DIR    stop the server and remove STATE_DIR
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
action=${1:?start|stop}
state=${2:?state directory}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found (apt install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_server() {
  if [ -f "$state/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$state/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "$action" in
start)
  stop_server
  rm -rf "$state"
  mkdir -p "$state"
  [ "$(id -u)" = 0 ] && chown postgres "$state"
  as_owner "$bindir/initdb" -D "$state/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log" >&2; exit 1; }
  port=""
  for candidate in $(seq 55432 55532); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
  done
  [ -n "$port" ] || { echo "no free port for PostgreSQL" >&2; exit 1; }
  as_owner "$bindir/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $state -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$state/server.log" >&2; exit 1; }
  echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$state/url"
  chmod a+r "$state/url"
  echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
  ;;
stop)
  stop_server
  rm -rf "$state"
  ;;
*)
  echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
