#!/usr/bin/env bash
# Measures what the desktop app holds in memory with the demo preview shown: the app process
# itself and the whole process tree (WebKit's web and network processes included), as RSS and as
# PSS (shared pages divided among the processes that map them, so the tree's PSS is what it
# really costs). A measurement, not a test: it prints figures and asserts nothing.
#
#   src-tauri/packaging/measure-memory.sh [path/to/wa-sync-app] [runs]
#
# Needs xvfb-run and xdotool. Extra environment for the app can be given as usual
# (VAR=value src-tauri/packaging/measure-memory.sh ...) to compare settings.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
app=$(realpath "${1:-$target/release/wa-sync-app}")
runs=${2:-3}
[ -x "$app" ] || { echo "measure-memory.sh: no app at $app; build it with: make deb" >&2; exit 2; }

cat >"${TMPDIR:-/tmp}/wa-sync-measure-inner.sh" <<'INNER'
set -u
app=$1 home=$2
HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share XDG_CACHE_HOME=$home/.cache \
  "$app" --demo >"$home/app.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  xdotool search --name '^wa-sync' >/dev/null 2>&1 && break
  sleep 1
done
sleep 12 # the demo preview is computed and drawn; let the memory settle
tree() { # the process and all its descendants
  echo "$1"
  for child in $(pgrep -P "$1"); do tree "$child"; done
}
kb() { awk -v k="$2:" '$1 == k { print $2 }' "$1" 2>/dev/null || echo 0; }
app_rss=$(kb "/proc/$pid/status" VmRSS)
app_pss=$(kb "/proc/$pid/smaps_rollup" Pss)
total_rss=0 total_pss=0 names=""
for p in $(tree "$pid"); do
  total_rss=$((total_rss + $(kb "/proc/$p/status" VmRSS)))
  total_pss=$((total_pss + $(kb "/proc/$p/smaps_rollup" Pss)))
  names="$names $(cat "/proc/$p/comm" 2>/dev/null)"
done
echo "app_rss_kb=$app_rss app_pss_kb=$app_pss tree_rss_kb=$total_rss tree_pss_kb=$total_pss processes:$names"
kill $(tree "$pid") 2>/dev/null
wait "$pid" 2>/dev/null
sleep 1 # WebKit's processes leave after the app
exit 0
INNER

for run in $(seq 1 "$runs"); do
  home=$(mktemp -d)
  line=$(xvfb-run -a -s '-screen 0 1400x1000x24' bash "${TMPDIR:-/tmp}/wa-sync-measure-inner.sh" "$app" "$home")
  rm -rf "$home" 2>/dev/null || true
  eval "$(echo "$line" | sed 's/ processes:.*//')"
  printf 'run %d: app %d MB RSS (%d MB PSS); with its processes %d MB RSS, %d MB PSS;%s\n' "$run" \
    $((app_rss_kb / 1024)) $((app_pss_kb / 1024)) $((tree_rss_kb / 1024)) $((tree_pss_kb / 1024)) \
    "${line#* processes:}"
done
