#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for the scale-out tests.
#   pg-fixture.sh start STATE_DIR   start a server on 127.0.0.1:<free port> and write its
#                                   connection URL to STATE_DIR/url
#   pg-fixture.sh stop STATE_DIR    stop the server and remove its folder and STATE_DIR
#   pg-fixture.sh pause STATE_DIR   stop the server, keeping its data (a restart, part one)
#   pg-fixture.sh resume STATE_DIR  start the paused server again on the same port
#
# STATE_DIR may sit anywhere, also inside a checkout under a home folder of mode 0700. The
# server's data and socket do not live there: as root the server runs as the `postgres` user
# (PostgreSQL refuses to run as root), who cannot enter such a folder, so they go to a private
# folder of their own under /tmp, owned by that user; STATE_DIR/server says where, so `stop`
# removes it. Not as root, the server runs as the invoking user under $TMPDIR.
set -euo pipefail
action=${1:?start|stop}
state=${2:?state directory}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found (apt install postgresql)" >&2; exit 1; }

as_root() { [ "$(id -u)" = 0 ]; }
as_owner() {
  if as_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

server_dir() { [ -f "$state/server" ] && cat "$state/server" || true; }

stop_server() {
  local dir
  dir=$(server_dir)
  [ -n "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  # Only ever a folder this script made.
  case "$dir" in */lb-test-postgres.*) rm -rf "$dir" ;; esac
}

free_port() {
  local candidate
  # A random start, so two build trees testing at once rarely race for the same port; below the
  # kernel's ephemeral range (32768 and up), which other tests' listeners and clients draw from.
  for candidate in $(shuf -i 20000-32767 -n 200); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return; fi
  done
}

case "$action" in
start)
  stop_server
  rm -rf "$state"
  mkdir -p "$state"
  if as_root; then
    dir=$(mktemp -d /tmp/lb-test-postgres.XXXXXX)
    chown postgres "$dir"
  else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/lb-test-postgres.XXXXXX")
  fi
  chmod 0700 "$dir"
  echo "$dir" >"$state/server"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log" >&2; exit 1; }
  # A port found free may be taken before the server binds it: then another one, a few times.
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    [ -n "$port" ] || { echo "no free port for PostgreSQL" >&2; exit 1; }
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
      break
    fi
    if [ "$attempt" = 5 ] || ! as_owner grep -q "Address already in use" "$dir/server.log"; then
      as_owner cat "$dir/server.log" >&2; exit 1
    fi
  done
  echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$state/url"
  echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
  ;;
stop)
  stop_server
  rm -rf "$state"
  ;;
pause)
  dir=$(server_dir)
  [ -n "$dir" ] || { echo "no server in $state" >&2; exit 1; }
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  ;;
resume)
  dir=$(server_dir)
  [ -n "$dir" ] || { echo "no server in $state" >&2; exit 1; }
  port=$(sed -E 's#.*:([0-9]+)/.*#\1#' "$state/url")
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { as_owner cat "$dir/server.log" >&2; exit 1; }
  ;;
*)
  echo "usage: $0 start|stop|pause|resume STATE_DIR" >&2; exit 2 ;;
esac
