#!/usr/bin/env bash
# scripts/bench-debug.sh -- what the debugger costs while the machine runs.
#
#   scripts/bench-debug.sh [VMLAB [ITERATIONS [RUNS]]]
#
# One long-running program (paging on, a loop of ALU work, a load and a
# store: 8 instructions per iteration) is timed four ways, best of RUNS:
#
#   run             vmlab run
#   10 breakpoints  vmlab debug, 10 breakpoints on code the loop never
#                   runs, then continue to the end
#   watch, other    a watchpoint on a page the loop does not touch
#   watch, same     a watchpoint on the loop's data page (another word)
#
# and each debugger time is shown as a percentage of run's speed.  The
# debugger's periodic snapshots for reverse execution are on, as always.
set -eu
VMLAB=${1:-build/vmlab}
ITERS=${2:-50000000}
RUNS=${3:-5}
case "$VMLAB" in /*) ;; *) VMLAB=$(pwd)/$VMLAB ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/vmlab-bench-debug.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat >loop.s <<EOF
        .equ  PD, 0x10000
        .equ  PT, 0x11000
        .equ  PTDEV, 0x12000
_start:
        li    t0, PD
        li    t1, PT | 3
        sw    t1, 0(t0)
        li    t1, PTDEV | 3
        sw    t1, 0xf00(t0)
        li    t1, 0xf0004000 | 3
        li    t2, PTDEV
        sw    t1, 16(t2)
        li    t2, PT
        li    t3, 3
        li    s0, 0x400003
2:      sw    t3, 0(t2)
        addi  t2, t2, 4
        li    s1, 0x1000
        add   t3, t3, s1
        bne   t3, s0, 2b
        mtcr  ptbr, t0
        li    t1, 1
        mtcr  mmu, t1
        li    a0, 0
        li    a1, $ITERS
        li    a2, 0x200000
        li    a3, 0
3:      lw    t0, 0(a2)
        add   t0, t0, a0
        xor   t1, t0, a0
        slli  t1, t1, 1
        sw    t0, 0(a2)
        add   a3, a3, t1
        addi  a0, a0, 1
        bne   a0, a1, 3b
        lui   t4, 0xf000
        ori   t4, t4, 0x4000
        sw    zero, 0(t4)
f0:     nop
f1:     nop
f2:     nop
f3:     nop
f4:     nop
f5:     nop
f6:     nop
f7:     nop
f8:     nop
f9:     nop
EOF
"$VMLAB" asm loop.s -o loop.elf
for i in 0 1 2 3 4 5 6 7 8 9; do echo "break f$i"; done >breaks.cmd
echo continue >>breaks.cmd
printf 'watch 0x300000\ncontinue\n' >watch_other.cmd
printf 'watch 0x200800\ncontinue\n' >watch_same.cmd

best() { # best wall time of RUNS runs of a command, in seconds
	local b=
	for _ in $(seq "$RUNS"); do
		local s e t
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

insns=$((ITERS * 8))
run=$(best "$VMLAB" run loop.elf)
brk=$(best "$VMLAB" debug loop.elf -x breaks.cmd)
wot=$(best "$VMLAB" debug loop.elf -x watch_other.cmd)
wsm=$(best "$VMLAB" debug loop.elf -x watch_same.cmd)
report() { # name seconds
	printf '%-28s %7.3f s  %6.0f MIPS  %5.1f%% of run\n' "$1" "$2" \
		"$(echo "$insns / $2 / 1000000" | bc -l)" "$(echo "100 * $run / $2" | bc -l)"
}
echo "$insns instructions, best of $RUNS runs"
report "vmlab run" "$run"
report "debug, 10 breakpoints" "$brk"
report "debug, watch other page" "$wot"
report "debug, watch same page" "$wsm"
