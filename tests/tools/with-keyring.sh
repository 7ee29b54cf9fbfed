#!/usr/bin/env bash
# Runs a command in a private D-Bus session with an unlocked gnome-keyring (Secret Service),
# and a throwaway HOME so no real keyring is touched.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
command -v dbus-run-session >/dev/null || { echo "dbus-run-session missing (apt install dbus)" >&2; exit 1; }
command -v gnome-keyring-daemon >/dev/null || { echo "gnome-keyring-daemon missing (apt install gnome-keyring)" >&2; exit 1; }
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_DATA_HOME=$home/.local/share XDG_CONFIG_HOME=$home/.config
export XDG_RUNTIME_DIR=$home/run && mkdir -p -m 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY
dbus-run-session -- bash -c '
  # A non-empty password creates and unlocks the "login" collection, the default one.
  eval "$(printf "leadbridge-test" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"' with-keyring "$@"
