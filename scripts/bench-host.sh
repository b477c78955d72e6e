#!/usr/bin/env bash
# scripts/bench-host.sh -- host instructions per guest instruction, for
# each `vmlab bench` workload, counted by callgrind.
#
#   scripts/bench-host.sh [VMLAB [SCALE_DOWN]]
#
# Wall time on a shared machine is noise; callgrind's count of executed
# host instructions (Ir) is deterministic.  Each workload runs once at
# 1/SCALE_DOWN of its iterations (default 20: callgrind is ~50x slower
# than the machine) with collection on only inside machine_run(), so
# assembling and start-up do not count; the table divides that Ir by the
# guest instructions the run retired.  Without valgrind it says so and
# exits 0 (it is a measurement, not a test).
set -eu
VMLAB=${1:-build/vmlab}
SCALE=${2:-20}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "bench-host: valgrind is not installed; nothing measured" \
	     "(apt-get install valgrind)"
	exit 0
fi
if [ ! -x "$VMLAB" ]; then
	echo "bench-host: $VMLAB is not an executable (run make first)" >&2
	exit 2
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/vmlab-bench-host.XXXXXX")
trap 'rm -rf "$dir"' EXIT

printf '%-14s %14s %16s %12s\n' workload "guest insns" "host insns" "host/guest"
for w in $("$VMLAB" bench --list | awk '{print $1}'); do
	out="$dir/$w.out"
	if ! valgrind --tool=callgrind --callgrind-out-file="$dir/$w.cg" \
		--toggle-collect=machine_run "$VMLAB" bench --json --repeat 1 \
		--scale-down "$SCALE" --only "$w" >"$out" 2>"$dir/$w.err"; then
		echo "bench-host: $w failed:" >&2
		tail -5 "$dir/$w.err" >&2
		exit 1
	fi
	insns=$(sed -n 's/.*"insns":\([0-9]*\).*/\1/p' "$out")
	ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$dir/$w.cg")
	[ -n "$ir" ] || ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$dir/$w.cg")
	awk -v w="$w" -v g="$insns" -v h="$ir" 'BEGIN {
		printf "%-14s %14d %16d %12.2f\n", w, g, h, h / g }'
done
