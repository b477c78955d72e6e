#!/usr/bin/env bash
# tests/pv/run.sh -- the paravirtual monitor (docs/paravirt.md):
#
#   same output   every toyos session of tests/os, bare toyos.elf against
#                 toyos-pv.elf under --vmm pv, byte for byte (console
#                 output and exit status), on the classic and the strict
#                 machine
#   no exits      a system call is delegated to the guest kernel: the
#                 syscalls program costs no exit per call
#   wrong image   --vmm pv with an ordinary image, --vmm trap with a pv one:
#                 one clear line, status 2
#   hostile       tests/pv/hostile.s abuses every hypercall (from user code,
#                 frames it does not own, bad batch counts, nested
#                 multicalls, ring indices
#                 beyond the ring, buffers outside its RAM, chains that
#                 loop, a storm of notifications): each refused as
#                 documented, and a toyos beside it prints what it prints
#                 alone; tests/pv/dfault.s double-faults and ends alone
#   rings         tests/pv/ring.s: 16 KiB through the emulated UART and the
#                 shared console ring, same bytes, far fewer exits
#   disk queue    tests/pv/blkhostile.s abuses the disk queue (bad chains,
#                 blocks beyond the disk, huge counts, a read-only or
#                 short status, loops, indices beyond the ring, a storm):
#                 each refused, no block moved but the one it writes, and
#                 toyos-pv's disk session beside it unchanged;
#                 tests/pv/blkring.s reads 64 KiB through the emulated
#                 disk and the disk queue: the same bytes, far fewer exits
#   batched       toyos-pvb (labs/os/pvmmu.s): every page-table write
#                 through mmu_update in batches: the same sessions' output,
#                 at least 8 entries a call (forkwait)
#   console ring  toyos-pv prints through the console ring: every byte in
#                 it, no MMIO exit for output, one kick; a toyos-pv with a
#                 tiny ring kicks often and still prints the same
#
# Last line: "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VMLAB=${VMLAB:-$BUILD/vmlab}
BARE=$BUILD/toyos.elf
PV=$BUILD/toyos-pv.elf
BUDGET=--max-insns=300000000
passed=0
failed=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

ok() { passed=$((passed + 1)); echo "ok    $1"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL  $1"
	[ -n "${2-}" ] && printf '%s\n' "$2" | head -20 | sed 's/^/      /'
	return 0
}

if [ ! -x "$VMLAB" ] || [ ! -f "$BARE" ] || [ ! -f "$PV" ]; then
	echo "FAIL  $VMLAB, $BARE or $PV is missing (run make)"
	echo "0 passed, 1 failed"
	exit 1
fi

# ---- every toyos session: bare and paravirtual print the same ----------------
for machine in classic strict; do
	for t in basic bs typeahead forkwait pagetouch pingpong preempt disk nodisk \
		selftest crash full exit eof; do
		extra_b=() extra_p=()
		if [ "$t" = disk ]; then
			head -c $((64 * 512)) /dev/zero >"$T/b.img"
			cp "$T/b.img" "$T/p.img"
			extra_b=(--disk "$T/b.img")
			extra_p=(--disk "$T/p.img")
		fi
		"$VMLAB" run "$BARE" --machine "$machine" --console-in tests/os/$t.in $BUDGET \
			"${extra_b[@]}" >"$T/bare.out" 2>/dev/null
		echo "status $?" >>"$T/bare.out"
		"$VMLAB" run --vmm pv "$PV" --machine "$machine" --console-in tests/os/$t.in \
			$BUDGET "${extra_p[@]}" >"$T/pv.out" 2>"$T/pv.err"
		echo "status $?" >>"$T/pv.out"
		if [ "$(wc -l <"$T/bare.out")" -lt 3 ]; then
			fail "$machine $t: the bare run printed nothing" "$(cat "$T/bare.out")"
		elif diff -u "$T/bare.out" "$T/pv.out" >"$T/diff"; then
			ok "$machine $t: toyos-pv under --vmm pv prints what bare toyos prints"
		else
			fail "$machine $t: output differs" "$(cat "$T/diff" "$T/pv.err")"
		fi
		if [ "$t" = disk ] && ! cmp -s "$T/b.img" "$T/p.img"; then
			fail "$machine disk: the disk images differ after the run"
		fi
	done
done
# toyos-pvb (PV_BATCH = 1, labs/os/pvmmu.s): every page-table write through
# mmu_update, batched in lazy MMU mode; the same output, far fewer calls
"$VMLAB" asm labs/os/toyos-pvb.s -o "$T/pvb.elf" 2>"$T/pvb.err" ||
	fail "toyos-pvb.s does not assemble" "$(cat "$T/pvb.err")"
for t in basic forkwait pagetouch pingpong crash full selftest; do
	"$VMLAB" run "$BARE" --console-in tests/os/$t.in $BUDGET >"$T/bare.out" 2>/dev/null
	echo "status $?" >>"$T/bare.out"
	"$VMLAB" run --vmm pv "$T/pvb.elf" --console-in tests/os/$t.in $BUDGET \
		>"$T/pvb.out" 2>"$T/pvb.err"
	echo "status $?" >>"$T/pvb.out"
	if diff -u "$T/bare.out" "$T/pvb.out" >"$T/diff"; then
		ok "classic $t: toyos-pvb under --vmm pv prints what bare toyos prints"
	else
		fail "classic $t: toyos-pvb's output differs" "$(cat "$T/diff" "$T/pvb.err")"
	fi
done
"$VMLAB" run --vmm pv "$T/pvb.elf" --console-in tests/os/forkwait.in --stats $BUDGET \
	>/dev/null 2>"$T/pvb.err"
calls=$(sed -n 's/^  mmu_update *\([0-9]*\)$/\1/p' "$T/pvb.err")
entries=$(sed -n 's/^batches *\([0-9]*\) entries.*/\1/p' "$T/pvb.err")
if [ -n "$calls" ] && [ -n "$entries" ] && [ $((calls * 8)) -le "$entries" ]; then
	ok "toyos-pvb batches: $calls mmu_update calls for $entries entries"
else
	fail "toyos-pvb batches: '$calls' mmu_update calls for '$entries' entries" \
		"$(grep -A12 '^hypercalls' "$T/pvb.err")"
fi

# the self-test passes on both machines: paravirtualization closes the hole
for machine in classic strict; do
	"$VMLAB" run --vmm pv "$PV" --machine "$machine" --console-in tests/os/selftest.in \
		>"$T/st.out" 2>&1
	n=$(grep -c '^PASS' "$T/st.out")
	if [ "$n" -ge 20 ] && ! grep -q '^FAIL' "$T/st.out" &&
		grep -q '^selftest: 0 checks failed$' "$T/st.out"; then
		ok "$machine: the self-test passes under --vmm pv ($n checks)"
	else
		fail "$machine: the self-test under --vmm pv" "$(grep -E 'PASS|FAIL|selftest' "$T/st.out")"
	fi
done

# ---- system calls go straight to the guest kernel --------------------------------
exits() { # exits FILE CAUSE: that cause's count in a --stats-json file
	tr ',{}' '\n\n\n' <"$1" | grep "\"$2\":" | head -1 | sed 's/.*://'
}
printf 'syscalls 100\nexit\n' >"$T/s100.in"
printf 'syscalls 2000\nexit\n' >"$T/s2000.in"
"$VMLAB" run --vmm pv "$PV" --console-in "$T/s100.in" --stats-json "$T/a.json" >/dev/null 2>&1
"$VMLAB" run --vmm pv "$PV" --console-in "$T/s2000.in" --stats-json "$T/b.json" >/dev/null 2>&1
a=$(tr ',' '\n' <"$T/a.json" | grep -m1 '"exits":' | sed 's/.*://')
b=$(tr ',' '\n' <"$T/b.json" | grep -m1 '"exits":' | sed 's/.*://')
if [ -n "$a" ] && [ -n "$b" ] && [ $((b - a)) -lt 100 ]; then
	ok "1900 more system calls cost $((b - a)) more exits (delegated to ring 1)"
else
	fail "system calls under --vmm pv: 100 calls ${a:-?} exits, 2000 calls ${b:-?} exits"
fi
r=$(exits "$T/b.json" reflect)
if [ "${r:-x}" = 0 ]; then
	ok "no trap is reflected by the monitor for syscalls 2000"
else
	fail "syscalls 2000 under --vmm pv: ${r:-?} reflected traps"
fi

# ---- the wrong image -----------------------------------------------------------
bad() { # bad MESSAGE ARGS...
	local msg=$1
	shift
	"$VMLAB" run "$@" >"$T/bad.out" 2>"$T/bad.err"
	local st=$?
	if [ $st = 2 ] && [ ! -s "$T/bad.out" ] && [ "$(wc -l <"$T/bad.err")" = 1 ] &&
		grep -qF -- "$msg" "$T/bad.err"; then
		ok "refused: $*"
	else
		fail "$*: status $st" "$(cat "$T/bad.err")"
	fi
}
bad "$BARE: not a paravirtual image: run it with --vmm trap" --vmm pv "$BARE"
bad "$PV: a paravirtual image: run it with --vmm pv" --vmm trap "$PV"
bad "a paravirtual image: run it with --vmm pv" --vm "$PV"

# ---- a hostile guest --------------------------------------------------------------
H=tests/pv/hostile.s
for machine in classic strict; do
	"$VMLAB" run --vmm pv --machine "$machine" "$H" --mem 1M >"$T/h.out" 2>"$T/h.err"
	st=$?
	if [ $st = 0 ] && grep -q '^hostile: done$' "$T/h.out"; then
		ok "$machine: every abuse of the hypercalls refused as documented"
	else
		fail "$machine: hostile.s: status $st (checks gone wrong, by number, below)" \
			"$(cat "$T/h.out" "$T/h.err")"
	fi
done
# beside it, a toyos prints what it prints alone
"$VMLAB" run --vmm pv --vm "$PV,console-in=tests/os/basic.in,console-out=$T/alone.out" \
	>/dev/null 2>&1
"$VMLAB" run --vmm pv --vm "$PV,console-in=tests/os/basic.in,console-out=$T/beside.out" \
	--vm "$H,mem=1M,console-out=$T/hostile.out" --vm "$H,mem=1M,console-out=$T/h2.out" \
	>/dev/null 2>"$T/beside.err"
st=$?
if [ -s "$T/alone.out" ] && cmp -s "$T/alone.out" "$T/beside.out"; then
	ok "toyos-pv beside two hostile guests prints what it prints alone"
else
	fail "toyos-pv beside hostile guests" "$(diff "$T/alone.out" "$T/beside.out" | head; cat "$T/beside.err")"
fi
if [ $st = 0 ] && grep -q '^hostile: done$' "$T/hostile.out" "$T/h2.out"; then
	ok "the hostile guests finished too, every check as expected"
else
	fail "hostile guests beside toyos: status $st" "$(cat "$T/hostile.out" "$T/beside.err")"
fi

# a guest whose delegated vector faults (a double fault in hardware) ends
# alone: on bare metal the machine would stop
"$VMLAB" run --vmm pv --vm "$PV,console-in=tests/os/basic.in,console-out=$T/beside2.out" \
	--vm "tests/pv/dfault.s,mem=1M" >/dev/null 2>"$T/df.err"
st=$?
if [ $st = 125 ] && cmp -s "$T/alone.out" "$T/beside2.out" &&
	grep -q 'vm1 (tests/pv/dfault.s) crashed: double fault' "$T/df.err"; then
	ok "a guest's double fault in a delegated entry ends that guest only"
else
	fail "dfault.s beside toyos-pv: status $st" "$(cat "$T/df.err"; diff "$T/alone.out" "$T/beside2.out" | head -5)"
fi

# the hostile guest's console: its own two lines, nothing from bad chains
if [ "$(cat "$T/hostile.out")" = "$(printf 'hostile: start\nhostile: done')" ]; then
	ok "a looping or out-of-RAM chain sends nothing to the console"
else
	fail "hostile guest's console" "$(od -c "$T/hostile.out" | head)"
fi

# ---- exits per KiB: the emulated UART against the shared ring ----------------
R=tests/pv/ring.s
"$VMLAB" run --vmm pv --vm "$R,mem=1M,console-out=$T/r0" --vm "$R,mem=1M,console-out=$T/r1" \
	--vm "$R,mem=1M,console-out=$T/r2" --stats-json "$T/ring.json" >/dev/null 2>"$T/ring.err"
st=$?
if [ $st = 0 ] && [ "$(wc -c <"$T/r0")" = 16384 ] && cmp -s "$T/r0" "$T/r1" && cmp -s "$T/r0" "$T/r2"; then
	ok "16 KiB through the UART, the ring with kicks and the polled ring: the same bytes"
else
	fail "ring.s: status $st" "$(cat "$T/ring.err"; wc -c "$T/r0" "$T/r1" "$T/r2")"
fi
vmexits() { # the exits of VM $2 in --stats-json $1 (the VMs' objects come first)
	grep -o '"exits":[0-9]*' "$1" | sed -n "$(($2 + 1))p" | sed 's/.*://'
}
e0=$(vmexits "$T/ring.json" 0)
e1=$(vmexits "$T/ring.json" 1)
e2=$(vmexits "$T/ring.json" 2)
if [ -n "$e0" ] && [ -n "$e1" ] && [ -n "$e2" ] && [ "$e0" -ge 16384 ] && [ "$e1" -lt 400 ] &&
	[ "$e2" -lt 40 ] && [ "$e2" -lt "$e1" ]; then
	ok "exits for 16 KiB: UART $e0, ring $e1, ring with notifications suppressed $e2"
else
	fail "exits for 16 KiB: UART ${e0:-?}, ring ${e1:-?}, polled ring ${e2:-?}"
fi

# ---- toyos-pv's console over the ring (queue 0, labs/os/console.s) -----------
# Every byte toyos-pv prints goes through the ring, and costs no MMIO exit:
# two sessions with the same input (20 commands of 3 bytes) and outputs
# 1500 bytes apart make the same number of MMIO exits (the input's, on the
# emulated UART), and a kick only to power off.
json() { # json FILE KEY: the first value of KEY in a --stats-json file
	grep -o "\"$2\":[0-9]*" "$1" | head -1 | sed 's/.*://'
}
for i in $(seq 20); do echo ps; done >"$T/ps20.in"
for i in $(seq 20); do echo zz; done >"$T/zz20.in"
for s in ps20 zz20; do
	"$VMLAB" run --vmm pv "$PV" --console-in "$T/$s.in" --stats-json "$T/$s.json" $BUDGET \
		>"$T/$s.out" 2>/dev/null
done
mp=$(json "$T/ps20.json" mmio)
mz=$(json "$T/zz20.json" mmio)
op=$(wc -c <"$T/ps20.out")
oz=$(wc -c <"$T/zz20.out")
if [ "$(json "$T/ps20.json" ring_bytes)" = "$op" ] && [ "$(json "$T/zz20.json" ring_bytes)" = "$oz" ] &&
	[ $((op - oz)) -gt 1000 ] && [ -n "$mp" ] && [ "$mp" = "$mz" ]; then
	ok "console output through the ring: $op and $oz bytes, $mp MMIO exits each (input)"
else
	fail "console output: ring bytes $(json "$T/ps20.json" ring_bytes)/$op," \
		"$(json "$T/zz20.json" ring_bytes)/$oz; MMIO exits ${mp:-?} and ${mz:-?}"
fi
k=$(json "$T/ps20.json" ring_kicks)
if [ "${k:-x}" = 1 ]; then
	ok "the polled console ring: $(json "$T/ps20.json" ring_chains) chains, one kick (power off)"
else
	fail "console ring kicks for 20 ps: ${k:-?} (expected 1, before power off)"
fi
# a toyos-pv with a 2-descriptor ring and a 16-byte buffer kicks all the
# time (every descriptor in flight, the buffer full): still the same output
printf '.equ PARAVIRT, 1\n.equ CQ, 2\n.equ COUT_BUF, 16\n.text\n.org 0x2000\n.include "toyos.s"\n' \
	>"$T/tiny.s"
if "$VMLAB" asm -I labs/os "$T/tiny.s" -o "$T/tiny.elf" 2>"$T/tiny.err"; then
	for machine in classic strict; do
		for t in basic typeahead crash selftest bs; do
			"$VMLAB" run "$BARE" --machine "$machine" --console-in tests/os/$t.in $BUDGET \
				>"$T/bare.out" 2>/dev/null
			echo "status $?" >>"$T/bare.out"
			"$VMLAB" run --vmm pv "$T/tiny.elf" --machine "$machine" --console-in tests/os/$t.in \
				$BUDGET --stats-json "$T/tiny.json" >"$T/pv.out" 2>"$T/pv.err"
			echo "status $?" >>"$T/pv.out"
			k=$(json "$T/tiny.json" ring_kicks)
			if diff -u "$T/bare.out" "$T/pv.out" >"$T/diff" && [ "${k:-0}" -gt 10 ]; then
				ok "$machine $t: a tiny console ring ($k kicks) prints what bare toyos prints"
			else
				fail "$machine $t: tiny console ring, ${k:-?} kicks" "$(cat "$T/diff" "$T/pv.err")"
			fi
		done
	done
else
	fail "a toyos-pv with a tiny console ring does not assemble" "$(cat "$T/tiny.err")"
fi

# ---- the disk queue: a hostile guest, and exits per KiB -------------------------
B=tests/pv/blkhostile.s
zdisk() { head -c $((64 * 512)) /dev/zero >"$1"; }
# what blkhostile.s leaves on its disk: block 1 = 512 'Z', the rest zero
{ head -c 512 /dev/zero; head -c 512 /dev/zero | tr '\0' Z; head -c $((62 * 512)) /dev/zero; } \
	>"$T/bh.want"
for machine in classic strict; do
	zdisk "$T/bh.img"
	"$VMLAB" run --vmm pv --machine "$machine" "$B" --mem 1M --disk "$T/bh.img" \
		>"$T/bh.out" 2>"$T/bh.err"
	st=$?
	if [ $st = 0 ] && cmp -s "$T/bh.img" "$T/bh.want"; then
		ok "$machine: every abuse of the disk queue refused, no block moved but its own"
	else
		fail "$machine: blkhostile.s: status $st (checks gone wrong, by number, below)" \
			"$(cat "$T/bh.out" "$T/bh.err"; cmp "$T/bh.img" "$T/bh.want")"
	fi
done
# toyos-pv's disk session beside two of them prints (and writes) what it does alone
zdisk "$T/t1.img"
zdisk "$T/t2.img"
zdisk "$T/h1.img"
zdisk "$T/h2.img"
"$VMLAB" run --vmm pv --vm "$PV,console-in=tests/os/disk.in,console-out=$T/dalone.out,disk=$T/t1.img" \
	>/dev/null 2>&1
"$VMLAB" run --vmm pv --vm "$PV,console-in=tests/os/disk.in,console-out=$T/dbeside.out,disk=$T/t2.img" \
	--vm "$B,mem=1M,disk=$T/h1.img" --vm "$B,mem=1M,disk=$T/h2.img" >/dev/null 2>"$T/db.err"
st=$?
if [ $st = 0 ] && grep -q 'all data correct' "$T/dalone.out" &&
	cmp -s "$T/dalone.out" "$T/dbeside.out" && cmp -s "$T/t1.img" "$T/t2.img" &&
	cmp -s "$T/h1.img" "$T/bh.want" && cmp -s "$T/h2.img" "$T/bh.want"; then
	ok "toyos-pv's disk session beside two disk-queue abusers: the same output and disk"
else
	fail "toyos-pv's disk beside blkhostile.s: status $st" \
		"$(diff "$T/dalone.out" "$T/dbeside.out" | head; cat "$T/db.err")"
fi
# 64 KiB: the emulated disk, the disk queue with a kick per block, ten per kick
R=tests/pv/blkring.s
seq 100000 | head -c 65536 >"$T/r.img"
args=()
for i in 0 1 2; do
	cp "$T/r.img" "$T/r$i.img"
	args+=(--vm "$R,mem=1M,disk=$T/r$i.img,console-out=$T/d$i")
done
"$VMLAB" run --vmm pv "${args[@]}" --stats-json "$T/blk.json" >/dev/null 2>"$T/blk.err"
st=$?
if [ $st = 0 ] && cmp -s "$T/d0" "$T/r.img" && cmp -s "$T/d1" "$T/r.img" && cmp -s "$T/d2" "$T/r.img"; then
	ok "64 KiB read through the emulated disk and the disk queue: the disk's bytes"
else
	fail "blkring.s: status $st" "$(cat "$T/blk.err"; cmp "$T/d0" "$T/r.img"; cmp "$T/d1" "$T/r.img")"
fi
e0=$(vmexits "$T/blk.json" 0)
e1=$(vmexits "$T/blk.json" 1)
e2=$(vmexits "$T/blk.json" 2)
if [ -n "$e0" ] && [ -n "$e1" ] && [ -n "$e2" ] && [ "$e0" -ge $((128 * 6)) ] &&
	[ "$e1" -lt $((e0 / 4)) ] && [ "$e2" -lt $((e1 / 2)) ]; then
	ok "exits for 64 KiB of disk: registers $e0, queue $e1, queue with 10 a kick $e2"
else
	fail "exits for 64 KiB of disk: registers ${e0:-?}, queue ${e1:-?}, batched ${e2:-?}"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
