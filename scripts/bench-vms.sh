#!/usr/bin/env bash
# scripts/bench-vms.sh -- what a VM costs when many run: the toyos demo
# session (labs/os/demo.txt) in 1, 2, 8, 32 and 64 VMs of one monitor.
#
#   scripts/bench-vms.sh [VMLAB [RUNS [COUNTS]]]
#
# Each count runs `vmlab run --machine strict --vmm trap --vm ...` with
# that many 4 MiB guests, best of RUNS (default 3), and prints the wall
# seconds per VM, the ratio to one VM, and the resident set (maximum RSS
# from /usr/bin/time, or from getrusage via the shell's `times` when
# /usr/bin/time is missing: then RSS is "-") in total and per VM.  Wall
# time on a shared machine is noisy: compare the ratios of one run.  The
# load average is printed first, for the record.
#
# With CALLGRIND=1 (and valgrind installed) each count also runs once
# under callgrind, and "Minsn/VM" is the host instructions per VM, in
# millions: deterministic, the figure to compare across machines and
# loads (64 VMs take about 4 minutes under callgrind).
set -eu
VMLAB=${1:-build/vmlab}
RUNS=${2:-3}
COUNTS=${3:-"1 2 8 32 64"}
cd "$(dirname "$0")/.."
IMAGE=build/toyos.elf
[ -x "$VMLAB" ] || { echo "bench-vms: $VMLAB is not built (make)" >&2; exit 2; }
[ -f "$IMAGE" ] || { echo "bench-vms: $IMAGE is not built (make)" >&2; exit 2; }
SPEC="$IMAGE,console-in=labs/os/demo.txt,mem=4M"
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

CG=
if [ "${CALLGRIND:-0}" = 1 ]; then
	command -v valgrind >/dev/null || { echo "bench-vms: CALLGRIND=1 needs valgrind" >&2; exit 2; }
	CG=1
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
printf '%4s %10s %8s %10s %12s%s\n' VMs "s/VM" "x one" "RSS MiB" "RSS/VM KiB" \
	"${CG:+    Minsn/VM}"
one=
for n in $COUNTS; do
	args=()
	for _ in $(seq "$n"); do args+=(--vm "$SPEC"); done
	best= rss=-
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s.%N)
		if [ -n "$TIME" ]; then
			"$TIME" -f %M -o "$tmp/rss" "$VMLAB" run --machine strict --vmm trap \
				"${args[@]}" --max-insns=4000000000 >"$tmp/out" 2>"$tmp/err" ||
				{ echo "bench-vms: $n VMs failed:" >&2; tail -3 "$tmp/err" >&2; exit 1; }
			rss=$(tail -1 "$tmp/rss")
		else
			"$VMLAB" run --machine strict --vmm trap "${args[@]}" \
				--max-insns=4000000000 >"$tmp/out" 2>"$tmp/err" ||
				{ echo "bench-vms: $n VMs failed:" >&2; tail -3 "$tmp/err" >&2; exit 1; }
		fi
		t1=$(date +%s.%N)
		t=$(echo "($t1 - $t0) / $n" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	[ -n "$one" ] || one=$best
	cg=
	if [ -n "$CG" ]; then
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$VMLAB" run --machine strict \
			--vmm trap "${args[@]}" --max-insns=4000000000 >"$tmp/out" 2>"$tmp/cg" ||
			{ echo "bench-vms: $n VMs failed under callgrind" >&2; exit 1; }
		ir=$(sed -n 's/.*I *refs: *//p' "$tmp/cg" | tr -d ,)
		cg=$(printf ' %11.1f' "$(echo "$ir / $n / 1000000" | bc -l)")
	fi
	if [ "$rss" = - ]; then
		printf '%4d %10.4f %8.2f %10s %12s%s\n' "$n" "$best" "$(echo "$best / $one" | bc -l)" - - "$cg"
	else
		printf '%4d %10.4f %8.2f %10.1f %12.0f%s\n' "$n" "$best" "$(echo "$best / $one" | bc -l)" \
			"$(echo "$rss / 1024" | bc -l)" "$(echo "$rss / $n" | bc -l)" "$cg"
	fi
done
