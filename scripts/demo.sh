#!/usr/bin/env bash
# The main job of `make demo`: toyos, the teaching kernel, on the bare
# machine and then as a guest of the trap-and-emulate monitor.
#
#   1. boot toyos and run a scripted shell session (labs/os/demo.txt:
#      hello, ps, forkwait 100, pagetouch 64, selftest), with statistics;
#   2. the same image under --vmm trap on the strict machine: the console
#      output is byte-identical, and the monitor's exits are counted;
#   3. the classic machine under the monitor: the kernel's selftest fails,
#      because rdpsw and wrpsw do not trap in ring 2 (the x86-style hole);
#   4. the paravirtual build (toyos-pv.elf, beside IMAGE) under --vmm pv on
#      the classic machine: same output, the selftest passes (the kernel
#      asks the monitor instead of using the hole), far fewer exits, the
#      console's output through a shared ring instead of the UART.
set -uo pipefail
VMLAB=${1:-build/vmlab}
IMAGE=${2:-build/toyos.elf}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
budget=--max-insns=2000000000

echo "== 1. vmlab run $IMAGE --console-in labs/os/demo.txt --stats"
echo
"$VMLAB" run "$IMAGE" --console-in labs/os/demo.txt $budget --stats 2>"$tmp/stats" | tee "$tmp/bare.txt"
status=${PIPESTATUS[0]}
echo
grep -E '^(instructions|cycles|trap |interrupts|tlb misses)' "$tmp/stats"
[ "$status" -eq 0 ] || { echo "toyos stopped with status $status"; cat "$tmp/stats"; exit "$status"; }

echo
echo "== 2. the same image as a guest: vmlab run --vmm trap --machine strict ..."
"$VMLAB" run --machine strict "$IMAGE" --console-in labs/os/demo.txt $budget >"$tmp/bare-strict.txt" 2>/dev/null
"$VMLAB" run --vmm trap --machine strict "$IMAGE" --console-in labs/os/demo.txt $budget --stats \
	>"$tmp/strict.txt" 2>"$tmp/vstats"
status=$?
# ps's STATE column shows whether the shell already waits for its child:
# timing, which the monitor changes, not meaning
state() { sed -E 's/^( +[0-9]+ +[0-9]+ +)[a-z]+/\1STATE/' "$1"; }
if diff <(state "$tmp/bare-strict.txt") <(state "$tmp/strict.txt") >/dev/null; then
	echo "   console output: identical to bare metal (Popek & Goldberg's equivalence)"
else
	echo "   console output differs from bare metal:"
	diff "$tmp/bare-strict.txt" "$tmp/strict.txt" | head -20
	status=1
fi
sed -n '/--- monitor ---/,$p' "$tmp/vstats" | sed 's/^/   /'

echo
echo "== 3. the classic machine under the monitor: the kernel's selftest"
printf 'selftest\n' | "$VMLAB" run --vmm trap "$IMAGE" --console-in - $budget 2>/dev/null |
	grep -E '^(PASS|FAIL)  kernel' | sed 's/^/   /'
echo
echo "(bare metal passes every check; see docs/monitor.md, 'The hole')"

PV=${IMAGE%.elf}-pv.elf
echo
echo "== 4. paravirtual: vmlab run --vmm pv $PV (the classic machine)"
"$VMLAB" run "$IMAGE" --console-in labs/os/demo.txt $budget >"$tmp/bare-classic.txt" 2>/dev/null
"$VMLAB" run --vmm pv "$PV" --console-in labs/os/demo.txt $budget --stats \
	>"$tmp/pv.txt" 2>"$tmp/pvstats"
pvstatus=$?
if [ "$pvstatus" -eq 0 ] && diff <(state "$tmp/bare-classic.txt") <(state "$tmp/pv.txt") >/dev/null; then
	echo "   console output: identical to bare toyos, selftest included:"
	grep -E '^(PASS|FAIL)  kernel' "$tmp/pv.txt" | sed 's/^/   /'
else
	echo "   the paravirtual run differs from bare metal (status $pvstatus):"
	diff "$tmp/bare-classic.txt" "$tmp/pv.txt" | head -20
	status=1
fi
"$VMLAB" run --vmm trap "$IMAGE" --console-in labs/os/demo.txt $budget --stats \
	>/dev/null 2>"$tmp/tstats"
exits() { grep -m1 '^vm exits' "$1" | awk '{print $3}'; }
echo "   vm exits for the same session: $(exits "$tmp/tstats") trap-and-emulate," \
	"$(exits "$tmp/pvstats") paravirtual"
# toyos-pv's console output goes through the shared ring, not the UART
rings=$(sed -n 's/^rings *\([0-9]*\) kicks, \([0-9]*\) chains, \([0-9]*\) bytes$/\3 \2 \1/p' \
	"$tmp/pvstats")
if [ -n "$rings" ]; then
	read -r bytes chains kicks <<<"$rings"
	echo "   console: $bytes bytes in $chains ring chains, $kicks kicks (UART: an exit" \
		"a byte)"
fi
echo "(docs/paravirt.md)"
exit "$status"
