#!/usr/bin/env bash
# LeadBridge set-up for a fresh Debian 12 machine.
#
#   scripts/setup.sh run    install what is missing, build, start the console (demo data)
#   scripts/setup.sh test   install what is missing, build, run the whole test suite
#
# LB_PRESET selects the CMake preset (dev by default; .ci/run also uses asan). Running it again
# installs nothing new and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
preset=${LB_PRESET:-dev}
case "$mode" in run|test) ;; *) echo "usage: $0 run|test" >&2; exit 2 ;; esac

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Runs one stage and says how long it took; with LB_STAGE_TIMES set (as .ci/run does) the time is
# also appended there as "<seconds> <stage>" for the run's summary.
stage() {
  local name=$1 start status
  shift
  start=$(date +%s)
  # A subshell with errexit on: a failing step inside the stage ends the stage (a function run
  # as `cmd || ...` would have errexit silently off).
  set +e
  (set -e; "$@")
  status=$?
  set -e
  local took=$(($(date +%s) - start))
  log "$name: ${took}s"
  [ -z "${LB_STAGE_TIMES:-}" ] || echo "$took $name" >>"$LB_STAGE_TIMES"
  return $status
}

install_packages() {
  local wanted missing=()
  wanted=$(sed -e 's/#.*//' -e '/^\s*$/d' scripts/debian-packages.txt)
  for p in $wanted; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "Debian packages: all present"
    return
  fi
  log "Installing ${#missing[@]} Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  # Refresh the package lists only when they are missing or a day old.
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mtime -1 2>/dev/null | head -n 1)" ]; then
    $sudo apt-get update -q
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

install_npm_packages() {
  # jsforce, the independent Salesforce client the conformance tests and peer benchmark use.
  local dir
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    log "Installing Node.js and npm (Debian packages)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends nodejs npm
  fi
  for dir in tests/js bench/peers; do
    [ -f "$dir/package.json" ] || continue
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      log "npm packages in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}

build() {
  if [ ! -f "build/$preset/build.ninja" ]; then
    log "Configuring ($preset)"
    cmake --preset "$preset" >/dev/null
  fi
  log "Building ($preset)"
  cmake --build --preset "$preset"
}

stage "packages ($preset)" install_packages
stage "build ($preset)" build
case "$mode" in
run)
  log "Starting the LeadBridge console (demo mode)"
  exec "build/$preset/app/leadbridge" --demo
  ;;
test)
  stage "npm packages ($preset)" install_npm_packages
  log "Running the test suite ($preset)"
  stage "tests ($preset)" ctest --preset "$preset"
  ;;
esac
