#!/usr/bin/env bash
# Command-line behaviour of vmlab: help, bad options and bad input (a clear
# one-line message and exit status 2), the exit statuses of `run` (guest
# status, 124 budget, 125 fatal stop), --stats-json, bench --json, and the
# monitor's options.  Last line: "N passed, M failed".
set -u
VMLAB=${VMLAB:-build/vmlab}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS PATTERN-ON-STDERR -- command...
expect() {
	local want=$1 pat=$2
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	if [ "$got" -ne "$want" ]; then
		bad "$* -> status $got, want $want; stderr: $(head -3 "$T/err")"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$T/err"; then
		bad "$* -> stderr lacks /$pat/: $(head -3 "$T/err")"
	else
		ok
	fi
}

for cmd in asm disasm run bench isa; do
	expect 0 "" -- "$VMLAB" "$cmd" --help
done
expect 0 "" -- "$VMLAB" --help
expect 2 "unknown command 'frob'" -- "$VMLAB" frob
expect 2 "" -- "$VMLAB"

# --- run: bad options and input, one clear line each
expect 2 "unknown option '--bogus'" -- "$VMLAB" run --bogus x.elf
expect 2 "no program given" -- "$VMLAB" run
expect 2 "--machine: 'weird' is not classic or strict" -- "$VMLAB" run --machine weird x.elf
expect 2 "--mem: '12Q' is not a size" -- "$VMLAB" run --mem 12Q x.elf
expect 2 "option '--mem' needs a value" -- "$VMLAB" run x.elf --mem
expect 2 "--tlb: 3 is not a power of two" -- "$VMLAB" run --tlb 3 x.elf
expect 2 "--trace: unknown category 'cache'" -- "$VMLAB" run --trace insn,cache x.elf
expect 2 "--max-insns: 'many' is not a non-negative integer" -- "$VMLAB" run --max-insns many x.elf
expect 2 "missing.elf: No such file or directory" -- "$VMLAB" run "$T/missing.elf"
printf 'garbage, not an ELF file at all\n' > "$T/junk.elf"
expect 2 "junk.elf: " -- "$VMLAB" run "$T/junk.elf"
cp /bin/true "$T/host.elf"
expect 2 "not a vmlab image" -- "$VMLAB" run "$T/host.elf"

cat > "$T/exit7.s" <<'S'
_start: li t0, 0xf0004000
        li t1, 7
        sw t1, 0(t0)
S
expect 7 "" -- "$VMLAB" run "$T/exit7.s"
expect 2 "memory size" -- "$VMLAB" run --mem 1000 "$T/exit7.s"
printf 'x' > "$T/odd.disk"
expect 2 "odd.disk: size 1 is not a multiple of 512" -- "$VMLAB" run --disk "$T/odd.disk" "$T/exit7.s"
expect 2 "--console-in: .*nope.txt" -- "$VMLAB" run --console-in "$T/nope.txt" "$T/exit7.s"
expect 2 "does not fit in" -- "$VMLAB" run --mem 4K "$T/exit7.s"

cat > "$T/loop.s" <<'S'
_start: j _start
S
expect 124 "instruction budget of 1000 exhausted" -- "$VMLAB" run --max-insns 1000 "$T/loop.s"

# a fault with no handler: status 125 and a report naming cause, pc, ring
cat > "$T/fault.s" <<'S'
_start: li t0, 0x12345678
        lw t1, 0(t0)
S
expect 125 "machine stopped: unhandled trap" -- "$VMLAB" run "$T/fault.s"
grep -q "cause  bus-error" "$T/err" && ok || bad "fatal report lacks the cause: $(cat "$T/err")"
grep -q "badva  0x12345678" "$T/err" && ok || bad "fatal report lacks badva"
grep -q "insn   0x00001008: " "$T/err" && ok || bad "fatal report lacks the instruction"

# assembly errors: status 1, gcc-style message, nothing written
printf '_start: addi r1, r2\n        bogus r3\n' > "$T/broken.s"
expect 1 "broken.s:1:9: error: 'addi' takes 3 operands, got 2" -- "$VMLAB" run "$T/broken.s"
grep -q "broken.s:2:9: error: unknown instruction 'bogus'" "$T/err" && ok || bad "second error not reported"
expect 1 "" -- "$VMLAB" asm "$T/broken.s" -o "$T/broken.elf"
[ ! -e "$T/broken.elf" ] && ok || bad "asm wrote an output file despite errors"

# --stats-json writes JSON with the counters
"$VMLAB" run "$T/exit7.s" --stats-json "$T/stats.json" >/dev/null 2>&1
grep -qE '^\{"instructions":4,"cycles":[0-9]+,"traps":\{' "$T/stats.json" && ok ||
	bad "stats json: $(cat "$T/stats.json")"
expect 2 "--stats-json: " -- "$VMLAB" run "$T/exit7.s" --stats-json "$T/no/such/dir/s.json"

# determinism: same image, same seed, same cycles
a=$("$VMLAB" run labs/demo/demo.s --stats 2>&1 | grep '^cycles')
b=$("$VMLAB" run labs/demo/demo.s --stats 2>&1 | grep '^cycles')
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "two runs differ: '$a' vs '$b'"

# --- the monitor's options
expect 2 "--vmm: 'bogus' is not none, trap or pv" -- "$VMLAB" run --vmm bogus "$T/exit7.s"
expect 2 "--vmm trap needs a guest" -- "$VMLAB" run --vmm trap
expect 2 "--vm: unknown key 'colour'" -- "$VMLAB" run --vm "$T/exit7.s,colour=red"
expect 2 "--vmm-cost: unknown cost 'warp'" -- "$VMLAB" run --vmm trap --vmm-cost warp=3 "$T/exit7.s"
expect 2 "--vmm-cost: 'exit=-4': not a number" -- "$VMLAB" run --vmm trap --vmm-cost exit=-4 "$T/exit7.s"
expect 7 "" -- "$VMLAB" run --vmm trap "$T/exit7.s"
expect 125 "crashed: guest trap with no trap vector" -- "$VMLAB" run --vm "$T/fault.s" --vm "$T/exit7.s"
grep -q "vm1 .* powered off with status 7" "$T/err" && ok || bad "the other guest did not finish: $(cat "$T/err")"
expect 124 "budget" -- "$VMLAB" run --vmm trap --max-insns 5000 "$T/loop.s"

# the demo kernel: identical bare and under the monitor on the strict machine
"$VMLAB" run --machine strict labs/demo/demo.s >"$T/bare.txt" 2>&1
"$VMLAB" run --machine strict --vmm trap labs/demo/demo.s >"$T/trap.txt" 2>&1
cmp -s "$T/bare.txt" "$T/trap.txt" && ok || bad "strict: demo differs bare vs trap"
# ... and not on the classic machine, where rdpsw shows the real IE
"$VMLAB" run --vmm trap labs/demo/demo.s 2>&1 | grep -q "ring 3: 0x00000007" && ok ||
	bad "classic: the rdpsw hole is not visible under the monitor"

# --- bench: JSON shape, one fast workload
"$VMLAB" bench --json --repeat 1 --only syscall >"$T/bench.json" 2>"$T/err"
grep -qE '^\{"workloads":\[\{"name":"syscall","paging":false,"insns":[0-9]+,"cycles":[0-9]+,"seconds":[0-9.]+,"mips":[0-9.]+\}\]\}$' "$T/bench.json" &&
	ok || bad "bench json: $(cat "$T/bench.json") $(cat "$T/err")"
expect 2 "no workload named 'nope'" -- "$VMLAB" bench --only nope
expect 2 "--repeat: 0 is not between 1 and 1000" -- "$VMLAB" bench --repeat 0
expect 2 "--scale-down: 0 is not between 1 and 1000000" -- "$VMLAB" bench --scale-down 0
# every workload, peers10 included, checks its result at any size: a
# small run of each must power off with 0 (status 0, one line each)
"$VMLAB" bench --repeat 1 --scale-down 1000 >"$T/bench.txt" 2>"$T/err" &&
	[ "$(grep -cE '^(alu-paging|alu-nopaging|tlb-walk|peers10|syscall) ' "$T/bench.txt")" = 5 ] &&
	ok || bad "bench --scale-down 1000: $(cat "$T/bench.txt" "$T/err")"

# --- options that would do nothing in the chosen mode are errors
expect 2 "--slice needs the monitor" -- "$VMLAB" run --slice 1000 labs/demo/demo.s
expect 2 "--vmm-cost needs the monitor" -- "$VMLAB" run --vmm-cost exit=1 labs/demo/demo.s
expect 2 "--slice needs the monitor" -- "$VMLAB" run --vmm none --slice 1000 labs/demo/demo.s
expect 2 "--trace exit needs the monitor" -- "$VMLAB" run --trace exit labs/demo/demo.s
expect 2 "--slice needs the monitor" -- "$VMLAB" debug --slice 1000 labs/demo/demo.s
expect 2 "--os needs --vmm" -- "$VMLAB" bench --os x.elf
if [ -f build/toyos.elf ]; then
	expect 2 "no workload named 'nosuch'" -- "$VMLAB" bench --vmm --os build/toyos.elf --only nosuch
fi
# ... and the monitor's trace says what the monitor does
"$VMLAB" run --vmm trap --trace exit labs/demo/demo.s >/dev/null 2>"$T/err"
grep -qE '^exit  vm0 mtcr +pc 0x[0-9a-f]{8} ring 0 cost [0-9]+ cycle [0-9]+$' "$T/err" && ok ||
	bad "--trace exit under the monitor: $(head -3 "$T/err")"

# --- --version and help CMD
"$VMLAB" --version >"$T/out" 2>&1 && grep -qE '^vmlab [0-9]+\.[0-9]+\.[0-9]+$' "$T/out" && ok ||
	bad "--version: $(cat "$T/out")"
"$VMLAB" help run >"$T/help" 2>&1 && "$VMLAB" run --help >"$T/help2" 2>&1 &&
	cmp -s "$T/help" "$T/help2" && grep -q '^usage: vmlab run' "$T/help" && ok || bad "vmlab help run"
expect 2 "unknown command 'nosuch'" -- "$VMLAB" help nosuch

# --- --stats with two VMs: a block per VM naming its image, then totals
"$VMLAB" run --vm labs/demo/demo.s --vm labs/demo/demo.s --stats >/dev/null 2>"$T/err"
[ "$(grep -c '^--- monitor: vm[01] labs/demo/demo.s ---$' "$T/err")" = 2 ] &&
	grep -q '^--- monitor: total of 2 VMs ---$' "$T/err" && ok || bad "--stats two VMs: $(cat "$T/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
