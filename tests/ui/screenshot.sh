#!/usr/bin/env bash
# Opens the debug app straight into the demo under a virtual display and saves a screenshot.
# Usage: xvfb-run -a -s "-screen 0 1400x1000x24" tests/ui/screenshot.sh OUT.png [seconds]
# Prints the app's resident memory (kB) once the demo preview is on screen.
set -euo pipefail
out=${1:-tests/ui/out/app.png}
wait_s=${2:-8}
app=${WA_SYNC_APP:-${CARGO_TARGET_DIR:-target}/debug/wa-sync-app}
mkdir -p "$(dirname "$out")"
"$app" --demo &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
sleep "$wait_s"
# Without a window manager the window sits at (0,0), undecorated.
import -window root "$out"
echo "screenshot: $out"
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
kids=$(pgrep -P $pid || true)
total=$rss
for k in $kids; do total=$((total + $(awk '/VmRSS/ {print $2}' /proc/$k/status 2>/dev/null || echo 0))); done
echo "rss_kb app=$rss app+children=$total"
