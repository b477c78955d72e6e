#!/usr/bin/env bash
# tests/debug/run.sh -- the debugger's batch transcripts.
#
# Every NAME.cmd here is a list of debugger commands.  It runs as
#
#     vmlab debug PROG -x NAME.cmd [ARGS]
#
# in a scratch directory holding copies of the programs tests/debug/*.s (so
# source names print as "prog.s"), and its standard output and error
# together must equal NAME.out, its exit status the one expected.  Lines at
# the top of NAME.cmd tune that (they are comments to the debugger):
#
#     # prog: trap.s          the program (default prog.s)
#     # args: --keep-going    more options for vmlab debug
#     # status: 1             expected exit status (default 0)
#     # stdin: yes            feed the commands on standard input, not -x
#     # setup: COMMAND        shell command run first in the scratch dir
#
# The scratch directory also holds toyos.elf (from the directory of the
# vmlab binary, when it is there: `# prog: toyos.elf`) and a link `labs` to
# the repository's labs/, so toyos's sources list as labs/os/FILE.s.
# VMLAB names the binary (default build/vmlab); UPDATE=1 rewrites the .out
# files from what the debugger prints now (review the diff!).  The last
# line is "N passed, M failed"; the exit status is 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VMLAB=${VMLAB:-build/vmlab}
case "$VMLAB" in /*) ;; *) VMLAB=$(pwd)/$VMLAB ;; esac
export VMLAB
if [ ! -x "$VMLAB" ]; then
	echo "run.sh: no vmlab binary at $VMLAB"
	echo "0 passed, 1 failed"
	exit 1
fi
export VMLAB_HISTORY=/dev/null
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vmlab-debug-tests.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0

header() { # header FILE KEY -> value of "# KEY: value", or empty
	sed -n "s/^# $2: //p" "$1" | head -1
}

for cmd in "$here"/*.cmd; do
	name=$(basename "$cmd" .cmd)
	dir="$scratch/$name"
	mkdir -p "$dir"
	cp "$here"/*.s "$dir"/
	[ -f "$(dirname "$VMLAB")/toyos.elf" ] && cp "$(dirname "$VMLAB")/toyos.elf" "$dir"/
	ln -s "$here/../../labs" "$dir/labs"
	prog=$(header "$cmd" prog)
	args=$(header "$cmd" args)
	want_status=$(header "$cmd" status)
	setup=$(header "$cmd" setup)
	stdin=$(header "$cmd" stdin)
	if [ -n "$setup" ]; then
		(cd "$dir" && eval "$setup") >/dev/null 2>&1
	fi
	if [ "$stdin" = yes ]; then
		got=$(cd "$dir" && "$VMLAB" debug "${prog:-prog.s}" $args <"$cmd" 2>&1)
	else
		got=$(cd "$dir" && "$VMLAB" debug "${prog:-prog.s}" -x "$cmd" $args </dev/null 2>&1)
	fi
	status=$?
	if [ "${UPDATE:-0}" = 1 ]; then
		printf '%s\n' "$got" >"$here/$name.out"
	fi
	if [ "$status" != "${want_status:-0}" ]; then
		echo "FAIL $name: exit status $status, expected ${want_status:-0}"
		printf '%s\n' "$got" | tail -5
		failed=$((failed + 1))
	elif ! diff -u "$here/$name.out" <(printf '%s\n' "$got") >"$scratch/diff"; then
		echo "FAIL $name: output differs from $name.out"
		head -40 "$scratch/diff"
		failed=$((failed + 1))
	else
		echo "ok   $name"
		passed=$((passed + 1))
	fi
done
# SIGTERM ends a batch session at once, everything printed so far flushed,
# with exit status 128 + 15, even while the guest runs (loop.s never ends).
dir="$scratch/sigterm"
mkdir -p "$dir"
cp "$here/loop.s" "$dir"/
printf 'info line spin\ncontinue\nstepi\n' >"$dir/cmds.txt"
(cd "$dir" && exec "$VMLAB" debug loop.s <cmds.txt >out.txt 2>&1) &
pid=$!
for _ in $(seq 50); do # until the guest runs (or 5 s)
	grep -q '^(vmlab) continue' "$dir/out.txt" 2>/dev/null && break
	sleep 0.1
done
sleep 0.2
kill -TERM "$pid" 2>/dev/null
wait "$pid"
status=$?
if [ "$status" = 143 ] && grep -q '^Interrupted\.$' "$dir/out.txt" &&
	grep -q '^Line 6 of "loop.s"' "$dir/out.txt" && ! grep -q 'stepi' "$dir/out.txt"; then
	echo "ok   sigterm"
	passed=$((passed + 1))
else
	echo "FAIL sigterm: exit status $status, expected 143; output:"
	cat "$dir/out.txt"
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
