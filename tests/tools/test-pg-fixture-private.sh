#!/usr/bin/env bash
# The PostgreSQL fixture works from a checkout whose parent folder is private (mode 0700, as
# root's home and Debian 12's home folders are): it starts a server, a client connects, and
# stop leaves neither the state folder nor the server's own folder behind.
set -euo pipefail
fixture=$(cd "$(dirname "$0")" && pwd)/pg-fixture.sh
parent=$(mktemp -d)
trap 'rm -rf "$parent"' EXIT
chmod 0700 "$parent"
state="$parent/checkout/build/private/test-postgres"
mkdir -p "$parent/checkout/build/private"
"$fixture" start "$state"
server=$(cat "$state/server")
url=$(cat "$state/url")
answer=$(psql "$url" -XAtc 'select 6 * 7')
[ "$answer" = 42 ] || { echo "unexpected answer: $answer" >&2; exit 1; }
"$fixture" stop "$state"
[ ! -e "$state" ] || { echo "state folder left: $state" >&2; exit 1; }
[ ! -e "$server" ] || { echo "server folder left: $server" >&2; exit 1; }
echo "fixture from a 0700 parent: started, answered, removed"
