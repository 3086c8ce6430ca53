#!/usr/bin/env bash
# The workbench on a big file, as an analyst sees it: starts the release binary in tmux,
# polls the screen until the load is over (the view line shows "shown"), then prints the
# load time, the peak RSS (VmHWM) and the CPU used over 10 s of idle time afterwards.
# Usage: benches/tui_load.sh FILE [WIDTH HEIGHT]   (needs tmux; cargo build --release)
set -euo pipefail
file=${1:?usage: tui_load.sh FILE [WIDTH HEIGHT]}
width=${2:-80}
height=${3:-24}
bin=${BIN:-$(cd "$(dirname "$0")/.." && pwd)/target/release/sts-triage}
sock=sts-load-$$
journal=$(mktemp -u /tmp/sts-load-XXXXXX.jsonl)
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -f "$journal"' EXIT
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
start=$(date +%s%N)
tmux -L "$sock" -f /dev/null new-session -d -s load -x "$width" -y "$height" "exec $bin --journal $journal $file"
pid=$(tmux -L "$sock" display -p -t load '#{pane_pid}')
until tmux -L "$sock" capture-pane -p -t load | grep -q " shown"; do sleep 0.2; done
end=$(date +%s%N)
echo "loaded in $(( (end - start) / 1000000 )) ms (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "CPU during the load: $(( $(cpu "$pid") * 1000 / hz )) ms"
sleep 2
a=$(cpu "$pid"); sleep 10; b=$(cpu "$pid")
echo "idle CPU over 10 s: $(( (b - a) * 1000 / hz )) ms"
grep -E 'VmHWM|VmRSS' "/proc/$pid/status"
tmux -L "$sock" capture-pane -p -t load | head -3
