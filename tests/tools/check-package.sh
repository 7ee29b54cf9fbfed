#!/usr/bin/env bash
# Builds the DEB and TGZ packages from a build tree and checks what is inside them.
set -euo pipefail
build=${1:?build directory}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
app=io.leadbridge.LeadBridge
expected=(
  "usr/bin/leadbridge"
  "usr/share/applications/$app.desktop"
  "usr/share/metainfo/$app.metainfo.xml"
  "usr/share/icons/hicolor/scalable/apps/$app.svg"
  "usr/lib/systemd/system/leadbridge-sync.service"
)
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G "DEB;TGZ" -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$out"/*.deb) || fail "no .deb produced"
tgz=$(ls "$out"/*.tar.gz) || fail "no .tar.gz produced"

deb_list=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||')
tgz_list=$(tar tzf "$tgz" | sed 's|^[^/]*/||')
for f in "${expected[@]}"; do
  grep -qx "$f" <<<"$deb_list" || fail "$f missing from $(basename "$deb")"
  grep -qx "$f" <<<"$tgz_list" || fail "$f missing from $(basename "$tgz")"
done
dpkg-deb -f "$deb" Package Version Depends | grep -q '^Depends: .*libqt6' || fail "DEB lacks Qt dependencies"

mkdir "$out/x" && dpkg-deb -x "$deb" "$out/x"
desktop-file-validate "$out/x/usr/share/applications/$app.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$out/x/usr/share/metainfo/$app.metainfo.xml" || fail "appstreamcli validate"
file "$out/x/usr/bin/leadbridge" | grep -q ELF || fail "leadbridge is not an executable"
grep -q '<svg' "$out/x/usr/share/icons/hicolor/scalable/apps/$app.svg" || fail "icon is not SVG"
echo "packages OK: $(basename "$deb") $(basename "$tgz")"
