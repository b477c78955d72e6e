#!/usr/bin/env bash
# tests/os/run.sh -- toyos on the machine: scripted shell sessions whose
# console output must match tests/os/*.out byte for byte (toyos is
# deterministic: same image, same input, same output), and checks of what
# those sessions show: fork/wait, preemption, demand paging, the disk, bad
# system calls, faulting processes, memory sizes, TLB sizes, and the same
# image under the trap-and-emulate monitor.
#
#   bash tests/os/run.sh            from the repository root (make check runs it)
#   bash tests/os/run.sh --update   rewrite the golden outputs after a change
#
# Environment: BUILD (default build), VMLAB (default $BUILD/vmlab).
# The last line is "N passed, M failed"; the exit status is 0 only if M = 0.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VMLAB=${VMLAB:-$BUILD/vmlab}
IMG=$BUILD/toyos.elf
DIR=tests/os
BUDGET=--max-insns=300000000          # a kernel bug cannot hang the suite
UPDATE=0
[ "${1-}" = --update ] && UPDATE=1

passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { passed=$((passed + 1)); echo "ok    $1"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL  $1"
	[ -n "${2-}" ] && printf '%s\n' "$2" | head -30 | sed 's/^/      /'
	return 0
}

if [ ! -x "$VMLAB" ] || [ ! -f "$IMG" ]; then
	echo "FAIL  $VMLAB or $IMG is missing (run make)"
	echo "0 passed, 1 failed"
	exit 1
fi

# A fresh 64-block disk of zeros.
new_disk() {
	head -c $((64 * 512)) /dev/zero >"$1"
}

# run OUT IN [vmlab options...]: boot toyos with console input $DIR/IN.in
# (or the file IN, if it has a slash); stdout goes to $tmp/OUT.out, stderr
# to $tmp/OUT.err, the exit status to $tmp/OUT.rc.
run() {
	local out=$1 in=$2
	shift 2
	case $in in */*) ;; *) in=$DIR/$in.in ;; esac
	"$VMLAB" run "$IMG" --console-in "$in" "$BUDGET" "$@" \
		>"$tmp/$out.out" 2>"$tmp/$out.err"
	echo $? >"$tmp/$out.rc"
}

# golden OUT STATUS: the session's exit status and output are as recorded.
golden() {
	local out=$1 want=$2 rc
	rc=$(cat "$tmp/$out.rc")
	if [ "$UPDATE" = 1 ]; then
		cp "$tmp/$out.out" "$DIR/$out.out"
	fi
	if [ "$rc" != "$want" ]; then
		fail "$out: exit status $rc, expected $want" "$(cat "$tmp/$out.err")"
	elif ! diff -u "$DIR/$out.out" "$tmp/$out.out" >"$tmp/$out.diff" 2>&1; then
		fail "$out: output differs from $DIR/$out.out" "$(cat "$tmp/$out.diff")"
	else
		pass "$out: output matches $DIR/$out.out"
	fi
}

# has OUT PATTERN DESCRIPTION: a line of the output matches (grep -E).
has() {
	if grep -qE -- "$2" "$tmp/$1.out"; then pass "$1: $3"; else fail "$1: $3" "no line matches: $2"; fi
}
# count OUT PATTERN N DESCRIPTION: exactly N lines match.
count() {
	local n
	n=$(grep -cE -- "$2" "$tmp/$1.out")
	if [ "$n" = "$3" ]; then pass "$1: $4"; else fail "$1: $4" "$n lines match '$2', expected $3"; fi
}
# before OUT PATTERN1 PATTERN2 DESCRIPTION: the first match of 1 comes first.
before() {
	local a b
	a=$(grep -nE -- "$2" "$tmp/$1.out" | head -1 | cut -d: -f1)
	b=$(grep -nE -- "$3" "$tmp/$1.out" | head -1 | cut -d: -f1)
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then
		pass "$1: $4"
	else
		fail "$1: $4" "line of '$2': ${a:-none}; line of '$3': ${b:-none}"
	fi
}

# ---- every program, with golden output --------------------------------------------
run basic basic
golden basic 0
has basic '^hello, world$' "hello prints"
has basic '^one two  three$' "echo prints its arguments"
has basic '^ +1 +0  sleeping +[0-9]+  sh$' "ps lists the shell"
has basic '^ +[0-9]+ +1  running +[0-9]+  ps$' "ps lists itself, a child of the shell"
has basic '^sh: nosuch: no such program$' "an unknown program is refused"
has basic '^compute: 168 primes below 1000$' "compute computes"
has basic '^syscalls: made 500 system calls$' "syscalls returns the right pid every time"
has basic '^sleep: slept 3 ticks$' "sleep(3) sleeps at least 3 ticks"
count basic '^hello, world$' 2 "spaces around a command do not matter"

run bs bs
golden bs 0
has bs '^bacspace$' "backspace and delete erase in the line discipline"

run typeahead typeahead
golden typeahead 0
count typeahead '^line [0-9]+: the quick brown fox$' 24 \
	"800 bytes typed ahead all arrive (the console's flow control)"

# ---- fork and wait -------------------------------------------------------------
run forkwait forkwait
golden forkwait 0
count forkwait 'every exit status right$' 3 "every child's exit status reaches wait"
count forkwait '^forkwait: free pages after = free pages before$' 3 \
	"fork + exit + wait frees every page (free-page count unchanged)"

# ---- demand paging ----------------------------------------------------------------
run pagetouch pagetouch
golden pagetouch 0
has pagetouch '^pagetouch: 64 pages; sbrk took 0 free pages, the first touch 64, the second 0$' \
	"sbrk allocates nothing; each page arrives on its first touch, once"
count pagetouch 'every page came zero-filled and kept what was written' 3 \
	"demand-zero pages are zero and keep their data"

# ---- scheduling: yield, preemption ------------------------------------------------
run pingpong pingpong
golden pingpong 0
has pingpong '^pingpong: parent and child yielded to each other 100 times each$' "pingpong"

run preempt preempt
golden preempt 0
has preempt '^\[[0-9]+\]$' "a program started with & runs in the background"
before preempt '^pingpong:' '^compute:' "a long compute does not starve pingpong (preemption)"
before preempt '^hello, world$' '^compute:' "nor the shell and hello"
has preempt '^compute: 41538 primes below 500000$' "the background compute finishes"

# ---- the disk ------------------------------------------------------------------------
new_disk "$tmp/disk.img"
run disk disk --disk "$tmp/disk.img"
golden disk 0
count disk 'read them back: all data correct$' 2 "disk blocks written and read back"
# block 1, word 2 must be (1 << 16) | 2, little-endian, in the host file
word=$(od -An -tx4 -j $((512 + 8)) -N4 "$tmp/disk.img" | tr -d ' ')
if [ "$word" = "00010002" ]; then pass "disk: the writes reached the host file"
else fail "disk: the writes reached the host file" "block 1 word 2 = '$word'"; fi
run nodisk nodisk
golden nodisk 0
has nodisk '^disk: block 0: I/O error$' "without a disk, disk I/O is an error, not a crash"

# ---- bad system calls and faults ----------------------------------------------------
run selftest selftest
golden selftest 0
count selftest '^PASS  kernel: ' 4 "the kernel's machine checks pass on the bare machine"
count selftest '^PASS  syscall: ' 18 "bad system calls return errors (invalid pointers, numbers, lengths)"
count selftest '^FAIL' 0 "no check fails"
run selftest-strict selftest --machine strict
golden selftest-strict 0
count selftest-strict '^PASS' 22 "every check passes on the strict machine"

run crash crash
golden crash 0
count crash '^toyos: pid [0-9]+ \(crash\) killed: ' 10 "each faulting process is killed and reported"
has crash 'killed: page fault at pc 0x[0-9a-f]+, address 0x00000000, cause 0x00030007$' \
	"the report names the trap, pc, address and cause"
has crash '^crash: the parent survived every child; free pages are as before$' \
	"the others go on, and a killed process's memory is freed"
has crash '^hello, world$' "the shell goes on after the crashes"

run full full
golden full 0
count full ': too many processes$' 2 "the 16-slot process table fills up with an error, not a crash"

# ---- ending a session -----------------------------------------------------------
run exit exit
golden exit 3
count exit '^hello, world$' 1 "exit N powers off with status N; nothing after it runs"
run eof eof
golden eof 0

# ---- the demo session, deterministic, on several machines ----------------------
run demo labs/os/demo.txt
golden demo 0
run demo-again labs/os/demo.txt --stats-json "$tmp/stats2.json"
run demo-stats labs/os/demo.txt --stats-json "$tmp/stats1.json"
if cmp -s "$tmp/demo.out" "$tmp/demo-again.out" && cmp -s "$tmp/stats1.json" "$tmp/stats2.json"; then
	pass "demo: two runs give the same output and the same statistics (cycles)"
else
	fail "demo: two runs differ" "$(diff "$tmp/stats1.json" "$tmp/stats2.json" | head)"
fi
# The same session with other memory and TLB sizes, where time passes
# differently: the same output, except the boot lines (RAM, free pages) and
# the state column of ps, which shows where the scheduler happened to be
# (whether the shell had reached its wait() when ps looked is timing).
same_session() {
	sed -e 1,2d -e 's/^\( *[0-9]* *[0-9]*  \)[a-z]* /\1STATE /' "$1"
}
for opts in "--mem 4M" "--mem 64M" "--mem 1G" "--tlb 1" "--tlb 4096"; do
	name="demo${opts// /}"
	run "$name" labs/os/demo.txt $opts
	rc=$(cat "$tmp/$name.rc")
	if [ "$rc" = 0 ] && diff <(same_session "$tmp/demo.out") <(same_session "$tmp/$name.out") >/dev/null; then
		pass "demo with $opts: same session"
	else
		fail "demo with $opts: exit $rc or a different session" \
			"$(diff <(same_session "$tmp/demo.out") <(same_session "$tmp/$name.out") | head; cat "$tmp/$name.err")"
	fi
done
has "demo--mem1G" '^toyos: booting, 1048576 KiB of RAM, using 262144 KiB of RAM$' \
	"toyos uses at most MAX_RAM"

# ---- the same image under the trap-and-emulate monitor ---------------------------
if "$VMLAB" run --help 2>&1 | grep -q -- '--vmm'; then
	run demo-strict labs/os/demo.txt --machine strict
	run vm-strict labs/os/demo.txt --machine strict --vmm trap
	if [ "$(cat "$tmp/vm-strict.rc")" = 0 ] &&
		diff <(same_session "$tmp/demo-strict.out") <(same_session "$tmp/vm-strict.out") >/dev/null; then
		pass "monitor: on the strict machine, the guest's session equals bare metal's"
	else
		fail "monitor: strict, the guest's session differs" \
			"$(diff <(same_session "$tmp/demo-strict.out") <(same_session "$tmp/vm-strict.out") | head; cat "$tmp/vm-strict.err")"
	fi
	run vm-basic basic --machine strict --vmm trap
	run basic-strict basic --machine strict
	if [ "$(cat "$tmp/vm-basic.rc")" = 0 ] &&
		diff <(same_session "$tmp/basic-strict.out") <(same_session "$tmp/vm-basic.out") >/dev/null; then
		pass "monitor: every program runs the same as a guest (strict machine)"
	else
		fail "monitor: basic session differs as a guest" \
			"$(diff <(same_session "$tmp/basic-strict.out") <(same_session "$tmp/vm-basic.out") | head; cat "$tmp/vm-basic.err")"
	fi
	run vm-classic selftest --vmm trap
	count vm-classic '^FAIL  kernel: ' 3 \
		"monitor: on the classic machine, the deprivileged kernel's selftest fails visibly"
	has vm-classic '^FAIL  kernel: rdpsw reads ring 2' "monitor: rdpsw shows ring 2 to the guest kernel"
	# sixteen toyos guests at once, each running the demo session
	vms=()
	for i in $(seq 0 15); do
		vms+=(--vm "$IMG,console-in=labs/os/demo.txt,console-out=$tmp/vm16-$i.out,seed=$i")
	done
	"$VMLAB" run --machine strict "${vms[@]}" --max-insns 4000000000 >"$tmp/vm16.out" 2>"$tmp/vm16.err"
	rc=$?
	same=0
	for i in $(seq 0 15); do
		diff <(same_session "$tmp/demo-strict.out") <(same_session "$tmp/vm16-$i.out") >/dev/null &&
			same=$((same + 1))
	done
	if [ "$rc" = 0 ] && [ "$same" = 16 ] && [ "$(grep -c 'powered off with status 0' "$tmp/vm16.err")" = 16 ]; then
		pass "monitor: 16 toyos guests run concurrently, every session equals bare metal's"
	else
		fail "monitor: 16 guests: exit $rc, $same of 16 sessions equal" "$(head -20 "$tmp/vm16.err")"
	fi
else
	echo "skip  monitor checks: this vmlab has no --vmm"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
