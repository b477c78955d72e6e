#!/usr/bin/env bash
# tests/width: every line the front ends print fits 80 columns (tabs
# expanded to every 8th column), by design and not by the terminal: the
# top-level and per-command help, `vmlab isa`, the debugger's help for
# every command, info registers and info cr, its stop lines over a run of
# single steps (bare and under the monitor), the interactive banner (when
# `script` can give it a terminal), bench, bench --vmm and --stats.
#
# VMLAB names the binary (default build/vmlab).  The last line is
# "N passed, M failed"; the status is 1 if anything failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
VMLAB=${VMLAB:-build/vmlab}
case $VMLAB in /*) ;; *) VMLAB=$root/$VMLAB ;; esac
cd "$root" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME: standard input must have no line wider than 80 columns
check() {
	local wide
	wide=$(expand | awk 'length($0) > 80 { printf "%d: %s\n", length($0), $0 }')
	if [ -n "$wide" ]; then
		echo "FAIL $1: lines wider than 80 columns:"
		printf '%s\n' "$wide" | head -5
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
}

if [ ! -x "$VMLAB" ]; then
	echo "no vmlab binary at $VMLAB"
	echo "0 passed, 1 failed"
	exit 1
fi

check "vmlab --help" < <("$VMLAB" --help 2>&1)
check "vmlab --version" < <("$VMLAB" --version 2>&1)
for c in asm disasm run debug bench isa; do
	check "vmlab $c --help" < <("$VMLAB" "$c" --help 2>&1)
	check "vmlab help $c" < <("$VMLAB" help "$c" 2>&1)
done
check "vmlab isa" < <("$VMLAB" isa 2>&1)

# the debugger: help for every command it lists
prog=tests/debug/trap.s
cmds=$(printf 'help\n' | "$VMLAB" debug "$prog" --batch 2>&1 | awk '/^  [a-z]/ { print $1 }')
if [ -z "$cmds" ]; then
	echo "FAIL debugger help: no commands listed"
	failed=$((failed + 1))
fi
{
	echo help
	for c in $cmds; do echo "help $c"; done
	echo "info registers"
	echo "info cr"
} >"$tmp/help.cmd"
check "debugger help and info registers" < <("$VMLAB" debug "$prog" --keep-going -x "$tmp/help.cmd" 2>&1)

# stop lines: 400 single steps through traps, ring changes and page faults
{ for _ in $(seq 400); do echo stepi; done; } >"$tmp/steps.cmd"
check "debugger stop lines" < <("$VMLAB" debug "$prog" -x "$tmp/steps.cmd" 2>&1)
cheap=exit=100,entry=100,emulate=10,shadow_fill=10,pt_write=10,mmio=10,inject=10
{ echo "catch vmexit"; for _ in $(seq 20); do echo continue; done;
  echo "info vms"; echo "info vcpu"; echo "info shadow 0x2000"; echo "info exits 20"; } >"$tmp/vm.cmd"
check "debugger under the monitor" < <("$VMLAB" debug --vmm trap "$prog" --vmm-cost "$cheap" -x "$tmp/vm.cmd" 2>&1)

# the interactive banner needs a terminal: script(1) gives one
if command -v script >/dev/null 2>&1; then
	# the end of script's input ends readline's: the session quits
	check "debugger banner" < <(VMLAB_HISTORY=/dev/null timeout 10 script -qec \
		"$VMLAB debug $prog" /dev/null </dev/null 2>&1 | tr -d '\r')
else
	echo "skip: debugger banner (no script(1) to give it a terminal)"
fi

check "vmlab bench" < <("$VMLAB" bench --repeat 1 2>&1)
if [ -f build/toyos.elf ] || [ -f "$(dirname "$VMLAB")/toyos.elf" ]; then
	check "vmlab bench --vmm" < <("$VMLAB" bench --vmm --repeat 1 --only syscalls 2>&1)
else
	echo "skip: vmlab bench --vmm (no toyos.elf built)"
fi
check "run --stats, two VMs" < <("$VMLAB" run --vm "$prog" --vm "$prog" --vmm-cost "$cheap" --stats 2>&1)

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
