#!/usr/bin/env bash
# scripts/vmm-many-as.sh -- the monitor's own work stays proportional to the
# guest's: host time of tests/vmm/manyas.s (seven address spaces of 40 page
# tables each, rebuilt 20 times) bare and under --vmm trap, best of RUNS.
#
#   scripts/vmm-many-as.sh [VMLAB [RUNS]]
#
# Before the reverse map (docs/monitor.md, "The monitor's own work"), each
# page table the guest started using made the monitor read every active
# shadow table: 4.4 s under the monitor against 0.1 s bare.  A timing is no
# test (the machine is shared); tests/unit/check_vmm_time.c asserts the
# operation counts instead.
set -eu
VMLAB=${1:-build/vmlab}
RUNS=${2:-3}
cd "$(dirname "$0")/.."
G=tests/vmm/manyas.s

# best RUNS -- CMD...: the shortest wall time of RUNS runs, in seconds
best() {
	local runs=$1 b=
	shift 2
	for _ in $(seq "$runs"); do
		local t0 t1 t
		t0=$(date +%s.%N)
		"$@" >/dev/null
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	printf '%.3f' "$b"
}

bare=$(best "$RUNS" -- "$VMLAB" run "$G")
trap_=$(best "$RUNS" -- "$VMLAB" run --vmm trap "$G")
"$VMLAB" run --vmm trap "$G" --stats-json /tmp/vmm-many-as.$$.json >/dev/null
visits=$(sed 's/.*"total"://' /tmp/vmm-many-as.$$.json | grep -o '"protect_visits":[0-9]*' | cut -d: -f2)
fills=$(sed 's/.*"total"://' /tmp/vmm-many-as.$$.json | grep -o '"shadow_fills":[0-9]*' | cut -d: -f2)
rm -f /tmp/vmm-many-as.$$.json
printf '%-8s %8s s\n' bare "$bare" trap "$trap_"
printf 'trap/bare %.1fx; %s shadow entries examined for write protection, %s fills\n' \
	"$(echo "$trap_ / $bare" | bc -l)" "$visits" "$fills"
