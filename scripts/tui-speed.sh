#!/usr/bin/env bash
# How fast the machine runs under `vmlab tui` compared with `vmlab run`:
# the same toyos image and input (compute N, then poweroff), run to power
# off by each; prints both CPU times (user + system, which a busy shared
# machine does not inflate as it does wall time) and the ratio.
#
#   scripts/tui-speed.sh [N]        (default N = 5000000: several seconds)
#
# The TUI runs in a private tmux server (it needs a terminal); its
# `continue` is typed, and the script waits for "powered off" on screen.
set -eu
BUILD=${BUILD:-build}
VMLAB=${VMLAB:-$BUILD/vmlab}
TOYOS=$(dirname "$VMLAB")/toyos.elf
N=${1:-5000000}
dir=$(mktemp -d)
sock="vmlab-tui-speed-$$"
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server >/dev/null 2>&1; rm -rf "$dir"' EXIT
printf 'compute %s\npoweroff\n' "$N" >"$dir/in"

cpu() { # the CPU seconds of a command, from bash's time
	local TIMEFORMAT='%U %S'
	{ time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ print $1 + $2 }'
}
run_s=$(cpu "$VMLAB" run "$TOYOS" --console-in "$dir/in")

T new-session -d -s s -x 80 -y 24 \
	"cd '$PWD'; TIMEFORMAT='%U %S'; { time $VMLAB tui $TOYOS --console-in $dir/in; } 2>$dir/time; sleep 600"
until T capture-pane -p -t s | grep -q '(vmlab)'; do sleep 0.1; done
T send-keys -t s continue Enter
until T capture-pane -p -t s | grep -q 'powered off'; do sleep 0.2; done
T send-keys -t s quit Enter
until [ -s "$dir/time" ]; do sleep 0.1; done
tui_s=$(awk '{ print $1 + $2 }' "$dir/time")
echo "compute $N: vmlab run ${run_s}s CPU, vmlab tui ${tui_s}s CPU"
awk -v r="$run_s" -v t="$tui_s" 'BEGIN { printf "speed under the TUI: %.2f of vmlab run\n", r / t }'
