#!/usr/bin/env bash
# tests/tty/run.sh -- the interactive console on a real pseudo-terminal.
#
# tmux gives vmlab a terminal of its own (a private server on a socket in
# a temporary directory, killed at the end), so this runs in CI with no
# terminal and no stdin.  Keys go in with send-keys; the screen comes back
# with capture-pane, polled until a marker shows (a bounded loop, never a
# fixed sleep).  Checked:
#   - `vmlab run build/toyos.elf` on the terminal: the banner, `hello` and
#     `ps` typed and answered, Ctrl-C stops with a report and the
#     statistics, the terminal's settings are restored (stty -g);
#   - the session recorded with --record and replayed with --replay: the
#     same screen, the same cycle and instruction counts; a second session
#     through `tee` compared byte for byte;
#   - Ctrl-D ends the input (toyos's shell exits, the machine powers off);
#   - under the monitor: the keyboard among guests, and with a Lua script
#     (run --lua) whose handler stops the run to apply its writes;
#   - bad --record/--replay files and options: exit 2 with FILE:LINE.
#
#   bash tests/tty/run.sh            from the repository root (make check runs it)
#
# Environment: BUILD (default build), VMLAB (default $BUILD/vmlab).
# The last line is "N passed, M failed"; the exit status is 0 only if M = 0.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VMLAB=${VMLAB:-$BUILD/vmlab}
IMG=$BUILD/toyos.elf
ROOT=$PWD

passed=0
failed=0
tmp=$(mktemp -d)
sock=$tmp/tmux.sock
cleanup() {
	tmux -S "$sock" kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); echo "ok    $1"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL  $1"
	[ -n "${2-}" ] && printf '%s\n' "$2" | head -30 | sed 's/^/      /'
	return 0
}
check() { # NAME CONDITION-STATUS [DETAIL]
	if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "${3-}"; fi
}

if [ ! -x "$VMLAB" ] || [ ! -f "$IMG" ]; then
	echo "FAIL  $VMLAB or $IMG is missing (run make)"
	echo "0 passed, 1 failed"
	exit 1
fi

# ---- bad files and options (no terminal needed) ----

# bad NAME PATTERN FILE-CONTENT: --replay of that content exits 2 with PATTERN
bad() {
	local name=$1 pat=$2 f=$tmp/bad.rec out rc
	printf '%b' "$3" >"$f"
	out=$("$VMLAB" run "$IMG" --replay "$f" </dev/null 2>&1 >/dev/null)
	rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$pat" <<<"$out" && [ "$(wc -l <<<"$out")" -eq 1 ]; then
		pass "replay refuses: $name"
	else
		fail "replay refuses: $name" "exit $rc, wanted 2 and '$pat'; got: $out"
	fi
}
H='vmlab console recording 1\n'
bad "no header" "bad.rec:1: not a console recording" '100 "ls\\r"\n'
bad "empty file" "bad.rec: empty file" ''
bad "binary" "NUL byte" 'vmlab\0\n'
bad "no cycle" "bad.rec:3: expected a cycle number" "$H"'# c\nls\n'
bad "cycle too big" "bad.rec:2: expected a cycle number" "$H"'99999999999999999999999 eof\n'
bad "cycle goes back" "bad.rec:3: cycle 5 is before the previous line's 10" \
	"$H"'10 "a"\n5 "b"\n'
bad "unknown escape" "bad.rec:2: unknown escape '\\q'" "$H"'10 "a\\q"\n'
bad "bad \\x" "bad.rec:2: \\x needs two hex digits" "$H"'10 "\\xg1"\n'
bad "open string" "bad.rec:2: string without its closing quote" "$H"'10 "abc\n'
bad "empty string" "bad.rec:2: empty string" "$H"'10 ""\n'
bad "control char" "bad.rec:2: control character" "$H"'10 "a\tb"\n'
bad "unknown word" "bad.rec:2: expected \"BYTES\", eof or stop" "$H"'10 hello\n'
bad "trailing text" "bad.rec:2: unexpected text after the arrival" "$H"'10 eof x\n'
bad "input after eof" "bad.rec:3: input after 'eof'" "$H"'10 eof\n20 "a"\n'
bad "two eofs" "bad.rec:3: a second 'eof'" "$H"'10 eof\n20 eof\n'
bad "after stop" "bad.rec:3: nothing may follow 'stop'" "$H"'10 stop 5\n20 eof\n'
bad "stop count" "bad.rec:2: 'stop' needs the instruction count" "$H"'10 stop\n'
bad "stop impossible" "bad.rec:2: 50 instructions cannot retire in 10 cycles" \
	"$H"'10 stop 50\n'
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' '#' >"$tmp/big.rec"
out=$("$VMLAB" run "$IMG" --replay "$tmp/big.rec" </dev/null 2>&1 >/dev/null)
rc=$?
[ $rc -eq 2 ] && grep -q "too large" <<<"$out"
check "replay refuses a file over 16 MiB" $? "exit $rc: $out"
out=$("$VMLAB" run "$IMG" --replay "$tmp/nosuch.rec" </dev/null 2>&1 >/dev/null)
rc=$?
[ $rc -eq 2 ] && grep -q "nosuch.rec" <<<"$out"
check "replay refuses a missing file" $? "exit $rc: $out"
printf 'vmlab console recording 1\n10 eof\n' >"$tmp/ok.rec"
out=$("$VMLAB" run "$IMG" --replay "$tmp/ok.rec" --console-in /dev/null </dev/null 2>&1)
check "--replay with --console-in is an error" $(($? != 2)) "$out"
out=$("$VMLAB" run "$IMG" --record "$tmp/nodir/x.rec" </dev/null 2>&1)
rc=$?
[ $rc -eq 2 ] && grep -q "record: .*nodir/x.rec" <<<"$out"
check "--record to an unwritable place is an error" $? "exit $rc: $out"
out=$("$VMLAB" run --vmm trap "$IMG" --record "$tmp/x.rec" </dev/null 2>&1)
check "--record with --vmm is an error" $(($? != 2)) "$out"
out=$("$VMLAB" run "$IMG" --replay "$tmp/ok.rec" --record "$tmp/ok.rec" </dev/null 2>&1)
check "--record over the --replay file is an error" $(($? != 2)) "$out"

# A recording written by hand: bytes at chosen cycles, replayed twice the
# same; recording the replay gives the same arrivals back.
printf 'vmlab console recording 1\n# by hand\n3000000 "hello\\r"\n3000000 "ps\\r"\n9000000 eof\n' \
	>"$tmp/hand.rec"
"$VMLAB" run "$IMG" --replay "$tmp/hand.rec" --stats --record "$tmp/hand2.rec" \
	</dev/null >"$tmp/h1.out" 2>"$tmp/h1.err"
rc1=$?
"$VMLAB" run "$IMG" --replay "$tmp/hand.rec" --stats </dev/null >"$tmp/h2.out" 2>"$tmp/h2.err"
grep -q "hello, world" "$tmp/h1.out" && grep -q "PID  PPID" "$tmp/h1.out" &&
	grep -q "powering off" "$tmp/h1.out" && [ $rc1 -eq 0 ] &&
	cmp -s "$tmp/h1.out" "$tmp/h2.out" && cmp -s "$tmp/h1.err" "$tmp/h2.err"
check "a hand-written recording replays, the same twice" $? "$(cat "$tmp/h1.out" "$tmp/h1.err")"
diff <(grep -v '^#' "$tmp/hand.rec" | sed 's/^3000000 "hello\\r"$//' | grep .) \
	<(grep -v '^#' "$tmp/hand2.rec" | grep -v hello) >/dev/null &&
	grep -q '^3000000 "hello\\r"$' "$tmp/hand2.rec"
check "recording a replay writes the same arrivals" $? "$(cat "$tmp/hand2.rec")"

# A Ctrl-C stop that fell while the guest slept, far past its halt (the
# live run paced the sleep in chunks and Ctrl-C came between two): the
# replay sleeps to the stop with no instruction, though `vmlab run`'s
# budget counts halted cycles.  (It used to stop at the halt: "the replay
# stops at cycle 385986, not 3000000".)  The stop's instruction count is
# what a run cut at that cycle retired; the guest idles from 2M to 3M.
printf 'vmlab console recording 1\n200000 "hello\\r"\n300000 "ps\\r"\n' >"$tmp/idle.rec"
insns_at() { # CYCLE: the instruction count of a run of idle.rec cut there
	"$VMLAB" run "$IMG" --replay "$tmp/idle.rec" --max-cycles "$1" --stats </dev/null \
		2>"$tmp/cut.err" >/dev/null
	sed -n 's/^instructions *\([0-9]*\)$/\1/p' "$tmp/cut.err"
}
i2=$(insns_at 2000000) i3=$(insns_at 3000000)
{ cat "$tmp/idle.rec"; echo "3000000 stop $i3"; } >"$tmp/idle-stop.rec"
"$VMLAB" run "$IMG" --replay "$tmp/idle-stop.rec" --stats </dev/null >/dev/null 2>"$tmp/is.err"
rc=$?
[ -n "$i3" ] && [ "$i2" = "$i3" ] && [ $rc -eq 130 ] && ! grep -q 'the replay stops' "$tmp/is.err" &&
	grep -q '^  cycle  3000000, after '"$i3"' instructions$' "$tmp/is.err" &&
	diff <(sed -n '/^--- statistics/,$p' "$tmp/cut.err") \
		<(sed -n '/^--- statistics/,$p' "$tmp/is.err") >/dev/null
check "a stop recorded in the guest's sleep replays there, no instruction more" $? \
	"instructions at 2M $i2, at 3M $i3; exit $rc; $(cat "$tmp/is.err")"

# Standard input that is not a terminal keeps the batch behaviour.
printf 'hello\n' | "$VMLAB" run "$IMG" --console-in - >"$tmp/pipe.out" 2>&1
rc=$?
grep -q "hello, world" "$tmp/pipe.out" && [ $rc -eq 0 ]
check "a pipe is read whole, its end is the end of input" $? "$(cat "$tmp/pipe.out")"

# ---- on a terminal ----

if ! command -v tmux >/dev/null; then
	echo "skip  the terminal tests: tmux is not installed (scripts/install-deps.sh installs it)"
	echo "$passed passed, $failed failed"
	[ $failed -eq 0 ]
	exit
fi

T() { tmux -S "$sock" "$@"; }
cur=
screen() { T capture-pane -p -t "$cur" -S -100 -J 2>/dev/null; }
keys() { T send-keys -t "$cur" "$@"; }
# wait_for TEXT: poll the screen until TEXT shows (at most ~10 s)
wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
# wait_file FILE: until the session's script wrote FILE
wait_file() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# session NAME CMD: run CMD in a new tmux session on its own terminal,
# saving the terminal's settings before and after and CMD's exit status.
session() {
	local name=$1 cmd=$2
	cat >"$tmp/$name.sh" <<EOF
cd '$ROOT'
stty -g >'$tmp/$name.before'
$cmd
echo \$? >'$tmp/$name.rc.tmp'
stty -g >'$tmp/$name.after'
mv '$tmp/$name.rc.tmp' '$tmp/$name.rc'
echo
echo SESSION-OVER
exec sleep 600
EOF
	cur=$name
	T -f /dev/null new-session -d -s "$name" -x 100 -y 50 \
		"bash --norc --noprofile '$tmp/$name.sh'"
}

# cpu_ticks PID: user + system clock ticks the process has used
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

# 1. The shell, typed into; Ctrl-C; recorded.  (vmlab's own pid, through a
# wrapper that writes it and execs vmlab.)
printf 'echo $$ >"$1"\nshift\nexec "$@"\n' >"$tmp/pidexec.sh"
session live "bash '$tmp/pidexec.sh' '$tmp/live.pid' '$VMLAB' run '$IMG' --stats \
--record '$tmp/live.rec' 2>'$tmp/live.err'"
wait_for 'starting the shell'
check "the boot banner shows at once on the terminal" $? "$(screen)"
wait_for '$ '
# Idle at the prompt, the guest's ticks are paced: the host is not spun.
if wait_file "$tmp/live.pid" && [ -r "/proc/$(cat "$tmp/live.pid")/stat" ]; then
	pid=$(cat "$tmp/live.pid")
	t0=$(cpu_ticks "$pid") w0=$(date +%s%N)
	sleep 1 # a measurement interval, not a wait for output
	t1=$(cpu_ticks "$pid") w1=$(date +%s%N)
	hz=$(getconf CLK_TCK)
	pct=$(((t1 - t0) * 100 * 1000000000 / hz / (w1 - w0)))
	[ "$pct" -lt 20 ]
	check "an idle guest waiting for a key uses little host CPU ($pct%)" $? "$pct% of a CPU"
fi
keys hello Enter
wait_for 'hello, world'
check "typed 'hello' reaches the guest and runs" $? "$(screen)"
keys ps Enter
wait_for 'PID  PPID'
check "typed 'ps' runs and shows the processes" $? "$(screen)"
screen | grep -q '^\$ ps$'
check "the guest echoes each key once (the host does not)" $? "$(screen)"
wait_for 'running      7  ps'   # ps has printed its last line: the shell is back
keys C-c
wait_file "$tmp/live.rc"
check "Ctrl-C ends the run" $? "$(screen)"
[ "$(cat "$tmp/live.rc" 2>/dev/null)" = 130 ]
check "Ctrl-C: exit status 130" $? "status $(cat "$tmp/live.rc" 2>/dev/null)"
grep -q '^vmlab run: stopped (Ctrl-C)$' "$tmp/live.err" &&
	grep -q '^  cycle  [0-9]*, after [0-9]* instructions$' "$tmp/live.err" &&
	grep -q '^  pc     0x[0-9a-f]*  ring 0  <' "$tmp/live.err" &&
	grep -q '^  source labs/os/' "$tmp/live.err" &&
	grep -q '^cycles  ' "$tmp/live.err"
check "Ctrl-C: a report of where it stopped, then the statistics" $? "$(cat "$tmp/live.err")"
cmp -s "$tmp/live.before" "$tmp/live.after"
check "the terminal's settings are restored after Ctrl-C (stty -g)" $? \
	"before $(cat "$tmp/live.before") after $(cat "$tmp/live.after")"
grep -q '^[0-9]* "hello\\r"$' "$tmp/live.rec" && grep -q '^[0-9]* "ps\\r"$' "$tmp/live.rec" &&
	grep -q '^[0-9]* stop [0-9]*$' "$tmp/live.rec"
check "the recording holds the typed lines and the stop" $? "$(cat "$tmp/live.rec")"

# 2. Replayed: the same screen, the same counts.
"$VMLAB" run "$IMG" --stats --replay "$tmp/live.rec" </dev/null >"$tmp/replay.out" 2>"$tmp/replay.err"
rc=$?
[ $rc -eq 130 ]
check "the replay stops where the recording stopped (status 130)" $? "status $rc"
stat() { sed -n "s/^$1 *\([0-9]*\).*/\1/p" "$2"; }
c1=$(stat cycles "$tmp/live.err") c2=$(stat cycles "$tmp/replay.err")
i1=$(stat instructions "$tmp/live.err") i2=$(stat instructions "$tmp/replay.err")
[ -n "$c1" ] && [ "$c1" = "$c2" ] && [ -n "$i1" ] && [ "$i1" = "$i2" ]
check "the replay has the recording's cycle and instruction counts" $? \
	"cycles $c1 vs $c2, instructions $i1 vs $i2"
diff <(sed -n '/toyos: booting/,$p' <(screen) | sed -e 's/ *$//' -e '/^SESSION-OVER/,$d' |
	sed '/^vmlab run: stopped/,$d' | sed '$s/^\$ $/$/' | grep .) \
	<(tr -d '\r' <"$tmp/replay.out" | sed 's/ *$//' | sed '$s/^\$ $/$/' | grep .) >"$tmp/d" 2>&1
check "the replay prints what the terminal showed" $? "$(cat "$tmp/d")"

# 3. The same through tee, byte for byte.
session tee "'$VMLAB' run '$IMG' --console-in - --stats --record '$tmp/tee.rec' \
2>'$tmp/tee.err' | tee -i '$tmp/tee.out'"
wait_for '$ '
keys hello Enter
wait_for 'hello, world'
keys 'echo one two' Enter
wait_for 'one two'
keys C-c
wait_file "$tmp/tee.rc"
"$VMLAB" run "$IMG" --stats --replay "$tmp/tee.rec" </dev/null >"$tmp/tee2.out" 2>"$tmp/tee2.err"
cmp -s "$tmp/tee.out" "$tmp/tee2.out" &&
	[ "$(stat cycles "$tmp/tee.err")" = "$(stat cycles "$tmp/tee2.err")" ] &&
	grep -q 'one two' "$tmp/tee2.out"
check "--console-in - on a terminal: live, and its replay is byte-identical" $? \
	"$(diff "$tmp/tee.out" "$tmp/tee2.out"; grep cycles "$tmp/tee.err" "$tmp/tee2.err")"

# 4. Ctrl-D: the end of input.
session eof "'$VMLAB' run '$IMG' 2>'$tmp/eof.err'"
wait_for '$ '
keys C-d
wait_file "$tmp/eof.rc"
[ "$(cat "$tmp/eof.rc" 2>/dev/null)" = 0 ] && wait_for 'powering off' &&
	cmp -s "$tmp/eof.before" "$tmp/eof.after"
check "Ctrl-D ends the input: the shell exits, the terminal is restored" $? \
	"status $(cat "$tmp/eof.rc" 2>/dev/null); $(screen)"

# 5. SIGTERM while the guest waits for a key: the terminal comes back.
session term "bash '$tmp/pidexec.sh' '$tmp/term.pid' '$VMLAB' run '$IMG' 2>'$tmp/term.err'"
wait_for '$ '
wait_file "$tmp/term.pid" && kill -TERM "$(cat "$tmp/term.pid")"
wait_file "$tmp/term.rc"
[ "$(cat "$tmp/term.rc" 2>/dev/null)" = 143 ] && cmp -s "$tmp/term.before" "$tmp/term.after"
check "SIGTERM: vmlab ends (143) and the terminal's settings are restored" $? \
	"status $(cat "$tmp/term.rc" 2>/dev/null); before $(cat "$tmp/term.before" 2>/dev/null)
after $(cat "$tmp/term.after" 2>/dev/null)"

# 5b. A signal that is not Ctrl-C (SIGCONT, as after Ctrl-Z and fg) while
# the guest sleeps with no event due, waiting for a key: the sleep goes
# on, the run does not end as a halt with nothing to wake it.
session cont "bash '$tmp/pidexec.sh' '$tmp/cont.pid' '$VMLAB' run tests/guest/echo.s \
2>'$tmp/cont.err'"
wait_file "$tmp/cont.pid"
sleep 0.3 # let it reach its sleep (a delay, not a wait for output)
kill -CONT "$(cat "$tmp/cont.pid")"
sleep 0.3
keys ab
wait_for 'AB'
keys C-d
wait_file "$tmp/cont.rc"
[ "$(cat "$tmp/cont.rc" 2>/dev/null)" = 0 ] && wait_for 'bytes: 2'
check "SIGCONT while the guest waits for a key: it waits on and gets the keys" $? \
	"status $(cat "$tmp/cont.rc" 2>/dev/null); $(cat "$tmp/cont.err"); $(screen)"

# 6. The debugger: guest output as it comes, keys to the guest while it
# runs, Ctrl-C back to the prompt, the prompt's terminal as it was.
session dbg "VMLAB_HISTORY=/dev/null '$VMLAB' debug '$IMG'"
wait_for '(vmlab) '
keys continue Enter
wait_for 'starting the shell'
check "debug: guest output shows while it runs" $? "$(screen)"
wait_for '$ '
keys hello Enter
wait_for 'hello, world'
check "debug: keys typed while the guest runs reach it" $? "$(screen)"
keys C-c
wait_for 'Interrupted.'
check "debug: Ctrl-C stops the guest" $? "$(screen)"
keys 'info registers pc' Enter
wait_for 'pc       0x'
check "debug: the prompt takes commands again" $? "$(screen)"
keys continue Enter
for ((i = 0; i < 50; i++)); do # a second prompt may have been drawn: wait for the run
	[ "$(screen | grep -c '^(vmlab) continue')" -ge 2 ] && break
	sleep 0.05
done
keys ps Enter
wait_for 'PID  PPID'
check "debug: continue again, the guest takes keys again" $? "$(screen)"
keys C-c
for ((i = 0; i < 100; i++)); do
	[ "$(screen | grep -c '^Interrupted.')" -ge 2 ] && break
	sleep 0.05
done
keys quit Enter
wait_file "$tmp/dbg.rc"
[ "$(cat "$tmp/dbg.rc" 2>/dev/null)" = 0 ] && cmp -s "$tmp/dbg.before" "$tmp/dbg.after"
check "debug: quit, and the terminal's settings are restored" $? \
	"status $(cat "$tmp/dbg.rc" 2>/dev/null); $(screen)"

# 7. Two guests under the monitor: the keyboard goes to one, Ctrl-A N
# moves it, output stays labelled.
session vms "'$VMLAB' run --vm '$IMG' --vm '$IMG' 2>'$tmp/vms.err'"
wait_for '[vm1] $'
keys hello Enter
wait_for '[vm0] hello, world'
check "monitor: the keyboard goes to vm0 first" $? "$(screen)"
screen | grep -q '^\[vm1\] hello'
check "monitor: ... and not to vm1" $(($? == 0)) "$(screen)"
keys C-a 1
wait_for 'the keyboard goes to vm1'
keys ps Enter
wait_for '[vm1]   PID  PPID'
check "monitor: Ctrl-A 1 gives the keyboard to vm1" $? "$(screen)"
keys C-d
wait_for '[vm1] toyos: the shell exited'
check "monitor: Ctrl-D ends vm1's input only" $? "$(screen)"
keys C-c
wait_file "$tmp/vms.rc"
[ "$(cat "$tmp/vms.rc" 2>/dev/null)" = 130 ] && cmp -s "$tmp/vms.before" "$tmp/vms.after" &&
	grep -q 'vm0 (.*) still running' "$tmp/vms.err" &&
	grep -q 'vm1 (.*) powered off with status 0' "$tmp/vms.err"
check "monitor: Ctrl-C stops, reports each VM, restores the terminal" $? \
	"status $(cat "$tmp/vms.rc" 2>/dev/null); $(cat "$tmp/vms.err")"
# 8. A Lua script on the monitor's run (run --lua): its handler stops the
# run at every mtcr exit to apply a write; the keyboard stays as it was.
session luavm "'$VMLAB' run --vm '$IMG' --lua tests/lua/session/mon_touch.lua 2>'$tmp/luavm.err'"
wait_for '$ '
keys hello Enter
wait_for 'hello, world'
check "monitor with run --lua: the keyboard goes to the guest" $? "$(screen)"
keys C-d
wait_file "$tmp/luavm.rc"
[ "$(cat "$tmp/luavm.rc" 2>/dev/null)" = 0 ] && cmp -s "$tmp/luavm.before" "$tmp/luavm.after" &&
	grep -q '^lua: [1-9][0-9]* mtcr exits$' "$tmp/luavm.err" &&
	[ "$(grep -c 'the keyboard goes to vm0' "$tmp/luavm.err")" -eq 1 ]
check "monitor with run --lua: the handler ran, one banner, the terminal restored" $? \
	"status $(cat "$tmp/luavm.rc" 2>/dev/null); $(cat "$tmp/luavm.err")"
out=$("$VMLAB" run --vm "$IMG" --console-vm 3 </dev/null 2>&1)
rc=$?
[ $rc -eq 2 ] && grep -q 'console-vm: 3 is not a VM' <<<"$out"
check "monitor: --console-vm must name a VM" $? "exit $rc: $out"
out=$("$VMLAB" run "$IMG" --console-vm 0 </dev/null 2>&1)
check "--console-vm without the monitor is an error" $(($? != 2)) "$out"

T kill-server 2>/dev/null
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
