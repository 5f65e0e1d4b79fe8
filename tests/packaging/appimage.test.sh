#!/usr/bin/env bash
# Checks the AppImage as a user's machine would see it: a valid type-2 image that starts the app
# on its demo data, with WebKitGTK and its helper processes coming from inside the image. The
# machine's own WebKitGTK is hidden (a private mount namespace) so nothing can fall back on it.
#
#   tests/packaging/appimage.test.sh [path/to/wa-sync_VERSION_amd64.AppImage]
#
# Also checks that the image runs the command line (`--cli`).
# Needs xvfb-run and xdotool, and root or user namespaces (to hide the machine's WebKitGTK).
# Prints `N passed, N failed`.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
version=$(node -p "require(process.argv[1]).version" "$root/tauri.conf.json")
appimage=$(realpath "${1:-$target/release/bundle/appimage/wa-sync_${version}_amd64.AppImage}")
[ -x "$appimage" ] || { echo "appimage.test.sh: no AppImage at $appimage; run make appimage" >&2; exit 2; }

passed=0
failed=0
check() { # check NAME COMMAND...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok - $name"
  else
    failed=$((failed + 1))
    echo "not ok - $name"
  fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

is_type2_image() { [ "$(od -An -c -j8 -N3 "$appimage" | tr -d ' ')" = 'AI002' ]; }
check "the file is a type-2 AppImage (magic bytes AI 02 at offset 8)" is_type2_image

extracts() {
  (cd "$work" && "$appimage" --appimage-extract >/dev/null) &&
    for f in AppRun wa-sync.desktop wa-sync-app.png usr/bin/wa-sync-app usr/bin/wa-sync usr/lib/libwebkit2gtk-4.1.so.0 \
      usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/WebKitWebProcess \
      usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/WebKitNetworkProcess; do
      [ -e "$work/squashfs-root/$f" ] || { echo "  missing in the image: $f"; return 1; }
    done
}
check "it unpacks with --appimage-extract and carries the app, WebKitGTK and its helpers" extracts

resolves_inside() {
  local missing
  missing=$(ldd "$work/squashfs-root/usr/bin/wa-sync-app" | grep 'not found')
  [ -z "$missing" ] || { echo "$missing"; return 1; }
  local webkit
  webkit=$(ldd "$work/squashfs-root/usr/bin/wa-sync-app" | awk '$1 == "libwebkit2gtk-4.1.so.0" { print $3 }')
  [ "$(realpath "$webkit")" = "$work/squashfs-root/usr/lib/libwebkit2gtk-4.1.so.0" ] || { echo "  WebKitGTK resolves to $webkit"; return 1; }
}
check "the app's libraries resolve, WebKitGTK's to the copy in the image" resolves_inside

# The command line rides along: `--cli` first.
cli_version() {
  local out
  out=$(cd "$work" && APPIMAGE_EXTRACT_AND_RUN=1 TMPDIR=$work/tmp "$@" 2>&1)
  [ "$out" = "wa-sync $version" ] || { echo "  printed: $out"; return 1; }
}
mkdir -p "$work/tmp"
check "the image runs the command line with --cli first (wa-sync --version)" cli_version "$appimage" --cli --version

# Start the image on the demo inside a mount namespace where the machine's WebKitGTK is gone.
cat >"$work/run-hidden.sh" <<'INNER'
set -u
appimage=$1 work=$2
libdir=/usr/lib/x86_64-linux-gnu
: >"$work/empty"
mkdir -p "$work/empty-dir"
for lib in "$libdir"/libwebkit2gtk-4.1.so.* "$libdir"/libjavascriptcoregtk-4.1.so.*; do
  mount --bind "$work/empty" "$lib"
done
mount --bind "$work/empty-dir" "$libdir/webkit2gtk-4.1"
HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share \
  APPIMAGE_EXTRACT_AND_RUN=1 TMPDIR=$work/tmp "$appimage" --demo >"$work/app.log" 2>&1 &
app=$!
for _ in $(seq 1 60); do
  xdotool search --name '^wa-sync' >/dev/null 2>&1 && break
  sleep 1
done
sleep 5 # let the web view draw the demo
window=$(xdotool search --name '^wa-sync' 2>/dev/null | head -n1)
echo "window=${window:-none}" >"$work/facts"
web=$(pgrep -f WebKitWebProcess | head -n1)
echo "web_exe=$( [ -n "$web" ] && readlink "/proc/$web/exe")" >>"$work/facts"
app_pid=$(pgrep -f 'usr/bin/wa-sync-app' | head -n1)
echo "webkit_mapped=$( [ -n "$app_pid" ] && grep -m1 -o '/[^ ]*libwebkit2gtk-4.1.so[^ ]*' "/proc/$app_pid/maps")" >>"$work/facts"
[ -n "${SCREENSHOT:-}" ] && import -window root "$SCREENSHOT" 2>/dev/null
kill "$app" 2>/dev/null
pkill -f "$work/tmp/appimage_extracted" 2>/dev/null
wait "$app" 2>/dev/null
exit 0
INNER
mkdir -p "$work/home" "$work/tmp"
# Root gets a plain mount namespace; anyone else a user namespace in which they may mount.
namespace=(unshare --mount --propagation private)
[ "$(id -u)" = 0 ] || namespace=(unshare --user --map-root-user --mount --propagation private)
"${namespace[@]}" xvfb-run -a -s '-screen 0 1400x1000x24' bash "$work/run-hidden.sh" "$appimage" "$work"
fact() { sed -n "s/^$1=//p" "$work/facts"; }
window=$(fact window)
web_exe=$(fact web_exe)
webkit_mapped=$(fact webkit_mapped)
in_image() { # in_image PATH PATH_INSIDE_THE_IMAGE: PATH lies in the unpacked image
  [[ "$1" == "$work"/tmp/appimage_extracted_*/"$2" ]]
}

check "with the machine's WebKitGTK hidden, the app opens its window" test "$window" != none
check "WebKit's web process runs from inside the image ($web_exe)" \
  in_image "$web_exe" usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/WebKitWebProcess
check "the app maps the image's WebKitGTK ($webkit_mapped)" \
  in_image "$webkit_mapped" usr/lib/libwebkit2gtk-4.1.so.0
if [ "$failed" -gt 0 ]; then
  echo "--- the app's output:"
  tail -n 30 "$work/app.log"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
