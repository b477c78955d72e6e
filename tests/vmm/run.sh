#!/usr/bin/env bash
# tests/vmm/run.sh -- the monitor from the command line (`vmlab run --vmm
# trap`, `--vm`), against the bare machine.  Run from the top of the tree;
# $VMLAB is the binary (default build/vmlab).  The last line printed is
# "N passed, M failed"; the status is non-zero if anything failed.
#
#   equivalence  each guest in equiv/ (and labs/demo/demo.s): console and
#                exit status byte-identical bare and under the monitor,
#                strict and classic, and equal to its golden NAME.out
#   hole         hole.s: the classic machine's rdpsw/wrpsw hole shows under
#                the monitor, exits by cause in --stats-json; strict is exact
#   isolation    hostile.s beside good.s: good prints what it prints alone,
#                hostile what it prints bare, and only hostile crashes;
#                a runaway guest (124); a crashing guest beside others (125)
#   several VMs  16 guests; whole labelled lines; console-out=FILE; seeds
#   cost model   --vmm-cost and --stats-json monitor_cycles, exactly
#   time         tick.s: a short tick, bare and under --vmm-timer policies
#   bad input    one clear line and status 2
set -u
VMLAB=${VMLAB:-build/vmlab}
D=$(dirname "$0")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}
# check NAME CONDITION-COMMAND...: one test, passed if the command succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok; else fail "$name"; fi
}
# same FILE-A FILE-B: byte-identical, else show the difference
same() {
	cmp -s "$1" "$2" && return 0
	diff "$1" "$2" | head -20
	return 1
}
# run OUT -- CMD...: stdout to OUT, stderr to OUT.err, status to OUT.rc
run() {
	local out=$1
	shift 2
	"$@" >"$out" 2>"$out.err"
	echo $? >"$out.rc"
}
rc() { cat "$1.rc"; }
# The lines of guest N of a labelled run, without their "[vmN] " label.
demux() { sed -n "s/^\[vm$2\] //p" "$1"; }
# stat FILE KEY: a number from --stats-json's "total" object (the keys of
# docs/monitor.md, by-cause names included, are unique in it); the
# machine's cycles for KEY = cycles.
stat() {
	if [ "$2" = cycles ]; then
		sed -n 's/^{"cycles":\([0-9]*\).*/\1/p' "$1"
	else
		sed 's/.*"total"://' "$1" | grep -o "\"$2\":[0-9]*" | cut -d: -f2
	fi
}

# A fresh copy of the four-block disk used by equiv/disk.s.
mkdisk() {
	{
		printf 'block 0: hello from the disk\n'
		head -c $((512 - 29)) /dev/zero
		printf 'block 1: second block\n'
		head -c $((512 - 22 + 1024)) /dev/zero
	} >"$1"
}

# ---- equivalence ---------------------------------------------------------
# Options per guest: equiv/NAME.in is its console input, disk.s gets a disk.
equiv_args() {
	local name=$1 tag=$2
	[ -f "$D/equiv/$name.in" ] && printf -- '--console-in\n%s\n' "$D/equiv/$name.in"
	if [ "$name" = disk ]; then
		mkdisk "$T/$tag.img"
		printf -- '--disk\n%s\n' "$T/$tag.img"
	fi
}
equiv() { # equiv NAME SOURCE MACHINES [GOLDEN (strict)]
	local name=$1 src=$2 machines=$3 golden=${4:-} m
	for m in $machines; do
		local -a a b
		mapfile -t a < <(equiv_args "$name" "$name-$m-bare")
		mapfile -t b < <(equiv_args "$name" "$name-$m-vmm")
		run "$T/$name-$m-bare" -- "$VMLAB" run --machine "$m" "${a[@]}" "$src"
		run "$T/$name-$m-vmm" -- "$VMLAB" run --vmm trap --machine "$m" "${b[@]}" "$src"
		check "$name ($m): bare exits 0" [ "$(rc "$T/$name-$m-bare")" = 0 ]
		check "$name ($m): same status under the monitor" \
			[ "$(rc "$T/$name-$m-bare")" = "$(rc "$T/$name-$m-vmm")" ]
		check "$name ($m): same console under the monitor" \
			same "$T/$name-$m-bare" "$T/$name-$m-vmm"
		if [ -n "$golden" ] && [ $m = strict ]; then
			check "$name ($m): console is $golden" same "$golden" "$T/$name-$m-vmm"
		fi
		if [ "$name" = disk ]; then
			check "disk ($m): the disk files end the same" \
				same "$T/$name-$m-bare.img" "$T/$name-$m-vmm.img"
		fi
	done
}
for s in "$D"/equiv/*.s; do
	name=$(basename "$s" .s)
	equiv "$name" "$s" "strict classic" "$D/equiv/$name.out"
done
# (demo.s reads its PSW in ring 3: on the classic machine that is the hole)
equiv demo labs/demo/demo.s strict

# ---- the hole --------------------------------------------------------------
for m in classic strict; do
	run "$T/hole-$m-bare" -- "$VMLAB" run --machine "$m" "$D/hole.s"
	run "$T/hole-$m-vmm" -- "$VMLAB" run --vmm trap --machine "$m" \
		--stats-json "$T/hole-$m.json" "$D/hole.s"
	check "hole ($m): bare is exact" same "$D/hole-bare.out" "$T/hole-$m-bare"
	check "hole ($m): status 0" [ "$(rc "$T/hole-$m-vmm")" = 0 ]
done
check "hole: strict under the monitor is exact" same "$D/hole-bare.out" "$T/hole-strict-vmm"
check "hole: classic under the monitor sees ring 2, IE stuck at 1, an interrupt" \
	same "$D/hole-classic.out" "$T/hole-classic-vmm"
check "hole: classic rdpsw/wrpsw never exit" \
	[ "$(stat "$T/hole-classic.json" rdpsw) $(stat "$T/hole-classic.json" wrpsw)" = "0 0" ]
check "hole: strict rdpsw/wrpsw exit 3 and 1 times" \
	[ "$(stat "$T/hole-strict.json" rdpsw) $(stat "$T/hole-strict.json" wrpsw)" = "3 1" ]
check "hole: the interrupt is injected on classic only" \
	[ "$(stat "$T/hole-classic.json" injected_irqs),$(stat "$T/hole-strict.json" injected_irqs)" = "1,0" ]

# vmexits FILE N: the exits of guest N in --stats-json FILE
vmexits() {
	sed -e 's/.*"vms":\[//' -e 's/\],"total".*//' "$1" | sed 's/},{"exits"/}\n{"exits"/g' |
		sed -n "$(($2 + 1))p" | grep -o '^{"exits":[0-9]*' | cut -d: -f2
}

# ---- isolation -------------------------------------------------------------
H=$D/hostile.s
G=$D/good.s
run "$T/hostile-bare" -- "$VMLAB" run --machine strict --mem 1M "$H"
run "$T/hostile-vmm" -- "$VMLAB" run --vmm trap --machine strict --mem 1M "$H"
run "$T/good-vmm" -- "$VMLAB" run --vmm trap --machine strict --mem 1M "$G"
check "hostile bare: stops on a double fault" \
	grep -q "machine stopped: double fault" "$T/hostile-bare.err"
check "hostile bare: status 125" [ "$(rc "$T/hostile-bare")" = 125 ]
hpc=$(sed -n 's/^  pc     \(0x[0-9a-f]*\) .*/\1/p' "$T/hostile-bare.err")
check "hostile bare: the report names the system call it was entering" \
	grep -q "^  cause  syscall (0x00000001)$" "$T/hostile-bare.err"
check "hostile: its golden output" same "$D/hostile.out" "$T/hostile-bare"
check "hostile alone under the monitor: what it prints bare" \
	same "$T/hostile-bare" "$T/hostile-vmm"
check "good alone: its golden output" same "$D/good.out" "$T/good-vmm"
for order in hg gh; do
	if [ $order = hg ]; then hv=0 gv=1 a=$H b=$G; else hv=1 gv=0 a=$G b=$H; fi
	for m in strict classic; do
		n=$T/iso-$order-$m
		run "$n" -- "$VMLAB" run --machine $m --vm "$a,mem=1M" --vm "$b,mem=1M"
		demux "$n" $gv >"$n.good"
		demux "$n" $hv >"$n.hostile"
		check "isolation $order $m: good prints what it prints alone" same "$D/good.out" "$n.good"
		check "isolation $order $m: hostile prints what it prints bare" \
			same "$T/hostile-bare" "$n.hostile"
		check "isolation $order $m: status 125" [ "$(rc "$n")" = 125 ]
		check "isolation $order $m: hostile crashed on its double fault" \
			grep -q "^vmlab: vm$hv ($H) crashed: double fault: bus-error at pc 0xdeadbef0" "$n.err"
		check "isolation $order $m: the report names the trap entered, as bare" \
			grep -q "^  cause syscall (0x00000001), pc $hpc, badva 0x00000000$" "$n.err"
		check "isolation $order $m: good powered off with 0" \
			grep -q "^vmlab: vm$gv ($G) powered off with status 0$" "$n.err"
	done
done

# a runaway guest: only the instruction budget ends it
run "$T/runaway" -- "$VMLAB" run --vmm trap --max-insns 100000 "$D/runaway.s"
check "runaway: status 124" [ "$(rc "$T/runaway")" = 124 ]
check "runaway: the budget is reported" \
	grep -q "instruction budget of 100000 exhausted" "$T/runaway.err"
run "$T/runaway2" -- "$VMLAB" run --max-insns 4000000 --vm "$D/runaway.s" --vm "$G,mem=1M"
check "runaway beside good: status 124" [ "$(rc "$T/runaway2")" = 124 ]
check "runaway beside good: good finished" \
	bash -c "sed -n 's/^\[vm1\] //p' '$T/runaway2' | cmp -s - '$D/good.out'"
check "runaway beside good: the runaway is still running" \
	grep -q "^vmlab: vm0 ($D/runaway.s) still running" "$T/runaway2.err"

# a crash beside guests that finish
# (the guests below run on the strict machine, where demo.s is exact too)
run "$T/crash-bare" -- "$VMLAB" run --machine strict "$D/crash.s"
run "$T/demo-bare" -- "$VMLAB" run --machine strict labs/demo/demo.s
pc=$(sed -n 's/^  pc     \(0x[0-9a-f]*\).*/\1/p' "$T/crash-bare.err")
check "crash bare: no trap vector, status 125" \
	[ "$(rc "$T/crash-bare")" = 125 -a -n "$pc" ]
run "$T/crash" -- "$VMLAB" run --machine strict --vm "$D/crash.s" --vm labs/demo/demo.s --vm "$G,mem=1M"
check "crash beside others: status 125" [ "$(rc "$T/crash")" = 125 ]
check "crash beside others: reported with its reason" \
	grep -q "^vmlab: vm0 ($D/crash.s) crashed: guest trap with no trap vector (tvec is 0)$" "$T/crash.err"
check "crash beside others: with cause and pc" \
	grep -q "^  cause divide-by-zero (0x00000006), pc $pc, badva 0x00000000$" "$T/crash.err"
check "crash beside others: the crashed guest printed what it printed bare" \
	bash -c "sed -n 's/^\[vm0\] //p' '$T/crash' | cmp -s - '$T/crash-bare'"
check "crash beside others: demo finished as alone" \
	bash -c "sed -n 's/^\[vm1\] //p' '$T/crash' | cmp -s - '$T/demo-bare'"
check "crash beside others: good finished as alone" \
	bash -c "sed -n 's/^\[vm2\] //p' '$T/crash' | cmp -s - '$D/good.out'"
check "crash beside others: the others powered off with 0" \
	[ "$(grep -c "powered off with status 0$" "$T/crash.err")" = 2 ]

# ---- several VMs -----------------------------------------------------------
args=()
for i in $(seq 0 15); do args+=(--vm labs/demo/demo.s); done
run "$T/sixteen" -- "$VMLAB" run --machine strict "${args[@]}"
check "16 guests: status 0" [ "$(rc "$T/sixteen")" = 0 ]
check "16 guests: every line is a whole labelled line" \
	bash -c "! grep -qvE '^\[vm([0-9]|1[0-5])\] (kernel|user): ' '$T/sixteen'"
for i in $(seq 0 15); do
	demux "$T/sixteen" "$i" >"$T/sixteen.$i"
	check "16 guests: vm$i printed what demo prints alone" same "$T/demo-bare" "$T/sixteen.$i"
done
check "16 guests: each powered off with 0" \
	[ "$(grep -c "^vmlab: vm[0-9]* (labs/demo/demo.s) powered off with status 0$" "$T/sixteen.err")" = 16 ]

# a mix of guests at once, each with its own devices (console input, disk)
mkdisk "$T/mix.img"
mkdisk "$T/mix-bare.img"
run "$T/disk-bare" -- "$VMLAB" run --machine strict --disk "$T/mix-bare.img" "$D/equiv/disk.s"
run "$T/mix" -- "$VMLAB" run --machine strict --vm "$D/equiv/procs.s" --vm "$D/equiv/timer.s" \
	--vm "$D/equiv/disk.s,disk=$T/mix.img" --vm "$D/equiv/uart.s,console-in=$D/equiv/uart.in" \
	--vm "$D/equiv/traps.s" --vm labs/demo/demo.s
check "mixed guests: status 0" [ "$(rc "$T/mix")" = 0 ]
i=0
for g in procs timer disk uart traps; do
	demux "$T/mix" $i >"$T/mix.$i"
	check "mixed guests: $g as alone" same "$D/equiv/$g.out" "$T/mix.$i"
	i=$((i + 1))
done
demux "$T/mix" 5 >"$T/mix.5"
check "mixed guests: demo as alone" same "$T/demo-bare" "$T/mix.5"
check "mixed guests: the disk file as after a bare run" same "$T/mix-bare.img" "$T/mix.img"

# console-out=FILE: one file per guest, nothing on standard output
run "$T/files" -- "$VMLAB" run --machine strict --vm "labs/demo/demo.s,console-out=$T/out0" \
	--vm "$D/equiv/rng.s,seed=5,console-out=$T/out1"
run "$T/rng5-bare" -- "$VMLAB" run --seed 5 "$D/equiv/rng.s"
check "console-out: status 0" [ "$(rc "$T/files")" = 0 ]
check "console-out: nothing on standard output" [ ! -s "$T/files" ]
check "console-out: vm0's file" same "$T/demo-bare" "$T/out0"
check "console-out: vm1's file" same "$T/rng5-bare" "$T/out1"

# seeds: each guest's RNG is its own, seeded as the bare machine would be
run "$T/seeds" -- "$VMLAB" run --vm "$D/equiv/rng.s,seed=1" --vm "$D/equiv/rng.s,seed=2" \
	--vm "$D/equiv/rng.s,seed=3"
for s in 1 2 3; do
	run "$T/seed$s-bare" -- "$VMLAB" run --seed $s "$D/equiv/rng.s"
	demux "$T/seeds" $((s - 1)) >"$T/seed$s"
	check "seeds: seed=$s as --seed $s bare" same "$T/seed$s-bare" "$T/seed$s"
done
check "seeds: seed=1 gives the documented first value" \
	grep -q "^89025cc1 658eec67 fb32555e " "$T/seed1"
check "seeds: three seeds, three different first lines" \
	[ "$(head -qn1 "$T/seed1" "$T/seed2" "$T/seed3" | sort -u | wc -l)" = 3 ]

# ---- the cost model --------------------------------------------------------
run "$T/cost" -- "$VMLAB" run --vmm trap --stats-json "$T/cost.json" \
	--vmm-cost exit=1,entry=10,emulate=100,shadow_fill=1000,pt_write=10000,mmio=100000,inject=1000000,switch_vm=10000000 \
	"$D/cost.s"
check "cost: status 0" [ "$(rc "$T/cost")" = 0 ]
kinds=""
for k in exits hidden-fault mtcr reflect rfe mfcr tlbflush mmio vm_switches; do
	kinds="$kinds $(stat "$T/cost.json" $k)"
done
check "cost: seven exits of known kinds" [ "$kinds" = " 7 1 1 1 1 1 1 1 1" ]
# digits, high to low: switch 1, inject 1, mmio 1, pt_write 0, fill 1,
# emulate 4, entry 7, exit 7
check "cost: monitor_cycles is the sum of the configured costs" \
	[ "$(stat "$T/cost.json" monitor_cycles)" = 11101477 ]
check "cost: cycles = guest + monitor + idle" \
	[ "$(stat "$T/cost.json" cycles)" = $(($(stat "$T/cost.json" guest_cycles) + \
		$(stat "$T/cost.json" monitor_cycles) + $(stat "$T/cost.json" idle_cycles))) ]
run "$T/cost-default" -- "$VMLAB" run --vmm trap --stats-json "$T/cost-default.json" "$D/cost.s"
check "cost: the defaults (docs/monitor.md)" \
	[ "$(stat "$T/cost-default.json" monitor_cycles)" = $((7 * (1200 + 900) + 4 * 100 + 400 + 300 + 150 + 2000)) ]
run "$T/cost-partial" -- "$VMLAB" run --vmm trap --stats-json "$T/cost-partial.json" --vmm-cost exit=0,entry=0 "$D/cost.s"
check "cost: a partial spec keeps the other defaults" \
	[ "$(stat "$T/cost-partial.json" monitor_cycles)" = $((4 * 100 + 400 + 300 + 150 + 2000)) ]

# ---- bad input: one clear line on stderr, nothing on stdout, status 2 -------
# ---- resource control: an interrupt storm stays in its own guest ----------
run "$T/alone" -- "$VMLAB" run --vmm trap --machine strict --mem 1M "$G" --stats-json "$T/alone.json"
run "$T/storm" -- "$VMLAB" run --machine strict --vm "$D/storm.s,mem=1M" --vm "$G,mem=1M" \
	--stats-json "$T/storm.json"
demux "$T/storm" 1 >"$T/storm.good"
check "storm: the good guest prints what it prints alone" same "$D/good.out" "$T/storm.good"
check "storm: both guests power off with 0" [ "$(rc "$T/storm")" = 0 ]
alone=$(vmexits "$T/alone.json" 0)
beside=$(vmexits "$T/storm.json" 1)
check "storm: the good guest's exits beside it ($beside) stay near alone's ($alone)" \
	[ -n "$alone" ] && [ -n "$beside" ] && [ "$beside" -le $((alone * 2 + 50)) ]

# A slice shorter than an exit and a switch (2100 + 2000 cycles): every exit
# ends the slice, and the storm's events were already due at each entry.
# The monitor used to take them by an interrupt before the guest ran an
# instruction, at every entry: monitor cycles grew, instructions did not,
# and the run never ended.  Now the budget ends it (124); a hung run is
# killed (137) before the suite's own time runs out.
ll=labs/08-scheduling/guests/compute.s
run "$T/livelock" -- timeout -s KILL 60 "$VMLAB" run --machine strict --slice 2000 \
	--max-insns 100000 --vm "$D/storm.s,mem=1M" --vm "$ll,mem=1M" --stats-json "$T/ll.json"
check "short slice beside a storm: the budget ends the run ($(rc "$T/livelock"))" \
	[ "$(rc "$T/livelock")" = 124 ]
ll_insns=$(grep -o '"guest_insns":[0-9]*' "$T/ll.json" | sed -n 2p | cut -d: -f2)
check "short slice beside a storm: the compute guest runs (${ll_insns:-?} insns)" \
	[ "${ll_insns:-0}" -ge 90000 ]

bad() { # bad 'MESSAGE' ARGS...
	local msg=$1
	shift
	"$VMLAB" run "$@" >"$T/bad.out" 2>"$T/bad.err"
	local st=$?
	if [ $st = 2 ] && [ ! -s "$T/bad.out" ] && [ "$(wc -l <"$T/bad.err")" = 1 ] &&
		grep -qF -- "$msg" "$T/bad.err"; then
		ok
	else
		fail "bad input $*: status $st, stderr: $(head -3 "$T/bad.err")"
	fi
}
C=$D/cost.s
bad "--vmm: 'bogus' is not none, trap or pv" --vmm bogus "$C"
bad "option '--vm' needs a value" --vm
bad "--vm: no image in ''" --vm ''
bad "--vm: no image in 'mem=1M'" --vm mem=1M
bad "--vm: unknown key 'colour' (mem, console-in, console-out, disk, seed)" --vm "$C,colour=red"
bad "--vm: 'mem' is not KEY=VALUE" --vm "$C,mem=1M,mem"
bad "--vm mem: '4G'" --vm "$C,mem=4G"
bad "the guests need more than the machine's 3840 MiB of RAM" --vm "$C,mem=3000M" --vm "$C,mem=3000M"
bad "does not fit in 4096 bytes of guest RAM" --vm "$C,mem=4096"
bad "--vm seed: 'abc' is not a non-negative integer" --vm "$C,seed=abc"
bad "/nonexistent.elf: No such file or directory" --vm /nonexistent.elf
bad "$C: /nonexistent: cannot open" --vm "$C,disk=/nonexistent"
bad "vm0 console-in: /nonexistent: No such file or directory" --vm "$C,console-in=/nonexistent"
bad "vm1 console-out: /nonexistent/x: No such file or directory" --vm "$C" --vm "$C,console-out=/nonexistent/x"
bad "--vmm trap needs a guest" --vmm trap
bad "--slice: must be at least 1 cycle" --slice 0 --vm "$C"
bad "--vmm-cost: 'exit' is not NAME=CYCLES" --vmm trap --vmm-cost exit "$C"
bad "--vmm-cost: 'exit=abc': not a number of cycles" --vmm trap --vmm-cost exit=abc "$C"
bad "--vmm-cost: 'exit=-1': not a number of cycles" --vmm trap --vmm-cost exit=-1 "$C"
bad "--vmm-cost: 'exit=1x': not a number of cycles" --vmm trap --vmm-cost exit=1x "$C"
bad "--vmm-cost: 'emulate=100000001': not a number of cycles" --vmm trap --vmm-cost emulate=100000001 "$C"
bad "--vmm-cost: '' is not NAME=CYCLES" --vmm trap --vmm-cost exit=1,,entry=2 "$C"
bad "--vmm-cost: unknown cost 'warp' (exit, entry, emulate, shadow_fill, pt_write, mmio, inject, switch_vm, hypercall, pv_update)" \
	--vmm trap --vmm-cost warp=3 "$C"
bad "--vmm-timer: 'slow' is not guest, merge, late or drop" --vmm trap --vmm-timer slow "$C"

# ---- time: a 5000-cycle tick (docs/monitor.md, section 9) ------------------
run "$T/tick-bare" -- "$VMLAB" run --machine strict "$D/tick.s"
run "$T/tick-guest" -- "$VMLAB" run --machine strict --vmm trap "$D/tick.s"
run "$T/tick-merge" -- "$VMLAB" run --machine strict --vmm trap --vmm-timer merge \
	--max-insns 1000000 "$D/tick.s"
check "tick: bare finishes" [ "$(rc "$T/tick-bare")" = 0 ]
check "tick: finishes under the monitor (default policy)" [ "$(rc "$T/tick-guest")" = 0 ]
check "tick: the same ticks bare and under the monitor" \
	[ "$(head -1 "$T/tick-bare")" = "$(head -1 "$T/tick-guest")" ]
check "tick: --vmm-timer merge livelocks (124)" [ "$(rc "$T/tick-merge")" = 124 ]

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
