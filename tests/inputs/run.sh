#!/usr/bin/env bash
# Hostile and careless inputs through the command line (issue 15,
# "Inputs"): each class gets a clear one-line message and a non-zero exit,
# never a hang, a crash or a success.
#   numbers      strict everywhere: no sign, no blanks, no wrap
#   budgets      --max-insns and --max-cycles end a run that halts forever
#   lost output  a console that cannot be written is an error
#   sizes        console input and checkpoints from endless files
#   nesting      debugger expressions nested past the limit
#   sources      `list` reads only regular files, under --source-root
# Last line: "N passed, M failed".
set -u
VMLAB=${VMLAB:-build/vmlab}
case $VMLAB in /*) ;; *) VMLAB=$(pwd)/$VMLAB ;; esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
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
	timeout 60 "$@" >"$T/out" 2>"$T/err"
	local got=$?
	if [ "$got" -ne "$want" ]; then
		bad "$* -> status $got, want $want; stderr: $(head -3 "$T/err")"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$T/err"; then
		bad "$* -> stderr lacks /$pat/: $(head -3 "$T/err")"
	else
		ok
	fi
}

G=$root/tests/guest
HELLO=$G/hello.s

# --- numbers: one strict parser
expect 2 "--max-insns: ' -1' is not a non-negative integer" -- "$VMLAB" run --max-insns " -1" "$HELLO"
expect 2 "--seed: ' -1' is not a non-negative integer" -- "$VMLAB" run --seed " -1" "$HELLO"
expect 2 "--seed: '\+5' is not a non-negative integer" -- "$VMLAB" run --seed "+5" "$HELLO"
expect 2 "--max-cycles: '12x' is not a non-negative integer" -- "$VMLAB" run --max-cycles 12x "$HELLO"
expect 2 "--seed: '18446744073709551616' is too large" -- "$VMLAB" run --seed 18446744073709551616 "$HELLO"
expect 2 "--mem: ' 4M' is not a size" -- "$VMLAB" run --mem " 4M" "$HELLO"
expect 2 "--mem: '4096G' is too large" -- "$VMLAB" run --mem 4096G "$HELLO"
expect 2 "the guests need more than the machine.s 3840 MiB" -- "$VMLAB" run --vm "$HELLO,mem=4294967295"
expect 2 "--vm seed: '-3' is not a non-negative integer" -- "$VMLAB" run --vm "$HELLO,seed=-3"
expect 2 "'exit= 5': not a number" -- "$VMLAB" run --vmm trap --vmm-cost "exit= 5" "$HELLO"
expect 0 "" -- "$VMLAB" run --seed 0x10 --mem 1MiB --max-insns 1000000 "$HELLO"

# --- budgets: a halt no tick can wake still ends, bare and under the monitor
H=$G/halt_budget.s
expect 124 "instruction budget of 100000 exhausted" -- "$VMLAB" run --max-insns 100000 "$H"
expect 124 "cycle budget of 300000 exhausted" -- "$VMLAB" run --max-cycles 300000 "$H"
expect 124 "instruction budget of 100000 exhausted" -- "$VMLAB" run --vmm trap --max-insns 100000 "$H"
expect 124 "cycle budget of 2000000 exhausted" -- "$VMLAB" run --vmm trap --max-cycles 2000000 "$H"
expect 124 "cycle budget" -- "$VMLAB" run --max-cycles 5000 --vm "$H" --vm "$H"
# ... and in the debugger's batch mode (its halted cycles count as steps)
printf 'continue\n' >"$T/cont.cmd"
expect 124 "" -- "$VMLAB" debug --max-insns 100000 -x "$T/cont.cmd" "$H"
grep -q 'Instruction budget of 100000 exhausted' "$T/out" && ok || bad "debug budget: $(cat "$T/out")"
# a cycle budget on a spinning guest stops it at that cycle exactly
"$VMLAB" run --max-cycles 12345 --stats "$G/budget.s" >/dev/null 2>"$T/err"
grep -qE '^cycles +12345$' "$T/err" && ok || bad "--max-cycles 12345: $(cat "$T/err")"

# --- lost output
if [ -w /dev/full ]; then
	expect 2 "console output could not be written" -- sh -c "'$VMLAB' run '$HELLO' >/dev/full"
	expect 2 "vm0's console output could not be written" -- sh -c "'$VMLAB' run --vmm trap '$HELLO' >/dev/full"
	expect 2 "vm1's console output could not be written" -- \
		"$VMLAB" run --vm "$HELLO" --vm "$HELLO,console-out=/dev/full"
else
	echo "skip: no /dev/full"
fi

# --- sizes: endless or huge inputs are refused, not read forever
expect 2 "file too large for console input" -- "$VMLAB" run --console-in /dev/zero "$HELLO"
printf 'load /dev/zero\n' >"$T/load.cmd"
expect 1 "/dev/zero: file too large for a checkpoint" -- "$VMLAB" debug "$HELLO" -x "$T/load.cmd"

# --- nesting: a deep expression is an error, not a stack overflow
deep=$(printf '(%.0s' $(seq 1 5000))1$(printf ')%.0s' $(seq 1 5000))
printf 'print %s\n' "$deep" >"$T/deep.cmd"
expect 1 "nested too deeply \(more than 100 levels\)" -- "$VMLAB" debug "$HELLO" -x "$T/deep.cmd"
printf 'print %s\n' "$(printf -- '-%.0s' $(seq 1 100000))1" >"$T/neg.cmd"
expect 1 "nested too deeply" -- "$VMLAB" debug "$HELLO" -x "$T/neg.cmd"
printf 'break _start if %s\n' "$deep" >"$T/cond.cmd"
expect 1 "nested too deeply" -- "$VMLAB" debug "$HELLO" -x "$T/cond.cmd"
printf 'print ((((1+2)*3)))\n' >"$T/ok.cmd"
expect 0 "" -- "$VMLAB" debug "$HELLO" -x "$T/ok.cmd"
grep -q "= 0x00000009 (9)" "$T/out" && ok || bad "print ((((1+2)*3))): $(cat "$T/out")"

# --- sources: found next to the image, regular files only, under a root
mkdir -p "$T/sub" "$T/else"
printf '_start: nop\n        j _start\n' >"$T/sub/p.s"
(cd "$T/sub" && "$VMLAB" asm p.s -o p.elf)
printf 'list _start\n' >"$T/list.cmd"
(cd "$T/else" && timeout 60 "$VMLAB" debug ../sub/p.elf -x "$T/list.cmd") >"$T/out" 2>&1
grep -q '1	_start: nop' "$T/out" && ok || bad "list next to the image: $(cat "$T/out")"
echo 'the hidden test' >"$T/secret.txt"
ln -sf "$T/secret.txt" "$T/sub/p.s"
expect 1 "outside the source root" -- "$VMLAB" debug "$T/sub/p.elf" --source-root "$T/sub" -x "$T/list.cmd"
grep -q 'hidden' "$T/out" && bad "--source-root: the file outside was printed" || ok
expect 0 "" -- "$VMLAB" debug "$T/sub/p.elf" --source-root "$T" -x "$T/list.cmd"
grep -q 'the hidden test' "$T/out" && ok || bad "--source-root $T: $(cat "$T/out")"
expect 2 "--source-root: $T/nope is not a directory" -- "$VMLAB" debug "$T/sub/p.elf" --source-root "$T/nope"
ln -sf /dev/zero "$T/sub/p.s"
expect 1 "not a regular file" -- "$VMLAB" debug "$T/sub/p.elf" -x "$T/list.cmd"

# --- the assembler: long chains cost linear time and bounded stack
awk 'BEGIN { n = 50000; print ".word X" n;
	for (i = n; i > 0; i--) print ".equ X" i ", X" i - 1 "+1"; print ".equ X0, 1" }' >"$T/chain.s"
expect 0 "" -- "$VMLAB" asm "$T/chain.s" -o "$T/chain.elf"
"$VMLAB" disasm "$T/chain.elf" 2>&1 | grep -q '\.word 0x0000c351' && ok || bad "chain: wrong value"
awk 'BEGIN { printf ".word 1"; for (i = 0; i < 30000; i++) printf "+1"; print "" }' >"$T/long.s"
expect 1 "expression too long \(more than 1000 operators\)" -- "$VMLAB" asm "$T/long.s" -o "$T/long.elf"

# --- small: bench --os without --vmm does nothing, so it is an error
expect 2 "--os needs --vmm" -- "$VMLAB" bench --os /nonexistent

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
