#!/usr/bin/env bash
# Time from starting the workbench to its first frame on screen, whatever the input size:
# starts the release binary in tmux and polls the pane every 2 ms until the header shows.
# Usage: benches/tui_first_frame.sh FILE [RUNS]   (needs tmux; build with cargo build --release)
set -euo pipefail
file=${1:?usage: tui_first_frame.sh FILE [RUNS]}
runs=${2:-5}
bin=$(cd "$(dirname "$0")/.." && pwd)/target/release/sts-triage
sock=sts-first-frame-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || true' EXIT
for i in $(seq "$runs"); do
  journal=$(mktemp -u /tmp/sts-ff-XXXXXX.jsonl)
  start=$(date +%s%N)
  tmux -L "$sock" -f /dev/null new-session -d -s ff -x 120 -y 35 "exec $bin --journal $journal $file"
  until tmux -L "$sock" capture-pane -p -t ff 2>/dev/null | grep -q "sts-triage reviewed"; do sleep 0.002; done
  end=$(date +%s%N)
  echo "run $i: first frame after $(( (end - start) / 1000000 )) ms"
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -f "$journal"
done
