#!/usr/bin/env bash
# The main job of `make demo`: run the demo guest on the bare machine and
# show its console and the machine's statistics.
set -euo pipefail
VMLAB=${1:-build/vmlab}
cd "$(dirname "$0")/.."
echo "== vmlab run labs/demo/demo.s --stats   (a tiny kernel on the bare machine)"
echo
set +e
"$VMLAB" run labs/demo/demo.s --stats
status=$?
set -e
echo
echo "== the guest powered off with status $status"
exit "$status"
