#!/usr/bin/env bash
# tests/tui: the real `vmlab tui` binary driven in tmux (tmux gives it a
# terminal, so this runs headless, in CI too): keys go in with send-keys,
# the screen comes back with capture-pane, and every check waits for a
# marker on the screen (polling, with a timeout), never a fixed sleep.
#
#   step through a system call (catch syscall, single keys, reverse-stepi)
#   the MMU pane on a toyos address under --vmm trap: guest and shadow walks
#   resize (bigger: a side column; too small: a message; back), help
#   the console pane gives keys to the guest; Ctrl-C stops the machine
#   tui inside vmlab debug and back to its prompt
#   ASCII line drawing without UTF-8, NO_COLOR, --no-color
#   the terminal restored after quit, SIGTERM and a crash
#
# Skipped, with a message, only where tmux is not installed
# (scripts/install-deps.sh installs it).  Last line: "N passed, M failed".
set -u
BUILD=${BUILD:-build}
VMLAB=${VMLAB:-$BUILD/vmlab}
TOYOS=$(dirname "$VMLAB")/toyos.elf
passed=0
failed=0

if ! command -v tmux >/dev/null 2>&1; then
	echo "tui: tmux is not installed: these tests are skipped (scripts/install-deps.sh installs it)"
	echo "0 passed, 0 failed"
	exit 0
fi
if [ ! -x "$VMLAB" ] || [ ! -f "$TOYOS" ]; then
	echo "tui: $VMLAB or $TOYOS missing (run make first)"
	echo "0 passed, 1 failed"
	exit 1
fi

dir=$(mktemp -d)
sock="vmlab-tui-test-$$"
T() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	T kill-server >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
printf 'hello\n' >"$dir/hello.in"

ok() {
	passed=$((passed + 1))
	echo "ok: $1"
}
bad() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	echo "--- screen:"
	screen
	echo "---"
}

# The screen of the test's window, as text.
screen() { T capture-pane -p -t t 2>/dev/null; }

# Poll the screen (up to $3 seconds, default 20) until it shows the
# fixed string $2 (mode "shown") or no longer does ("gone").
poll() {
	local tries=$(( ${3:-20} * 20 )) want=0
	[ "$1" = gone ] && want=1
	while [ "$tries" -gt 0 ]; do
		screen | grep -qF -- "$2"
		[ $? -eq "$want" ] && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}
wait_for() { poll shown "$@"; }
wait_gone() { poll gone "$@"; }
check() { # check NAME MARKER [TIMEOUT]
	if wait_for "$2" "${3:-20}"; then ok "$1"; else bad "$1 (no '$2' on the screen)"; fi
}
# The input line (the screen's last line) becomes exactly $2.
check_input() {
	local tries=400
	while [ "$tries" -gt 0 ]; do
		[ "$(screen | tail -n 1 | sed 's/ *$//')" = "$2" ] && { ok "$1"; return; }
		sleep 0.05
		tries=$((tries - 1))
	done
	bad "$1 (the input line is not '$2')"
}
check_gone() {
	if wait_gone "$2" "${3:-20}"; then ok "$1"; else bad "$1 ('$2' still on the screen)"; fi
}

# Start a command in a fresh 80x24 window; the shell says how it ended.
start() { # start ENV COMMAND...
	T kill-session -t t >/dev/null 2>&1
	T new-session -d -s t -x 80 -y 24 \
		"cd '$PWD'; env $1 ${*:2}; echo \"EXITED \$?\"; sleep 600"
	T set-option -t t status off >/dev/null
}
keys() { T send-keys -t t "$@"; }
line() { T send-keys -t t -l "$1"; T send-keys -t t Enter; }
# The pid of the program the window's shell runs.
prog_pid() { pgrep -P "$(T display -p -t t '#{pane_pid}')" -f "$VMLAB" | head -1; }

utf8="LC_ALL=C.UTF-8 TERM=screen"
ascii="LC_ALL=C TERM=screen"

# ---- stepping through a system call (bare toyos) ----
start "$utf8" "$VMLAB" tui "$TOYOS" --console-in "$dir/hello.in"
check "starts at reset, source shown" "src: boot.s:44"
check "Unicode frames in a UTF-8 locale" "┌ src: boot.s:44"
line "catch syscall"
line "continue"
check "continue stops at the system call" "Catchpoint 1 (syscall)"
check "the src pane follows into the trap vector" "src: trap.s:29"
keys -l "info regi"
keys Tab
check_input "Tab completes on the command line" "(vmlab) info registers"
keys C-u Up
check_input "Up recalls the last command" "(vmlab) continue"
keys C-u
keys Escape            # the code pane has the focus: single keys
keys i
check "i steps one instruction into trap_entry" "pc 00001140"
keys i
check "again" "pc 00001144"
keys I
check "I (reverse-stepi) goes back one" "pc 00001140"
line_focus() { keys :; line "$1"; }
line_focus "layout regs"
check "layout regs shows the registers" "┌ regs ─"
check "... and the PSW decoded" "ring 0 IE off"
keys Escape
keys F1
check "F1 shows the help" "reverse continue, finish"
keys x
check_gone "any key closes it" "reverse continue, finish"
keys q
check "q quits" "EXITED 0"
check "the terminal is back (the shell's text after the TUI's screen)" "EXITED 0"

# ---- the MMU pane under the monitor ----
start "$utf8" "$VMLAB" tui --vmm trap "$TOYOS" --console-in "$dir/hello.in"
check "under the monitor it opens on the MMU layout" "guest walk beside shadow walk"
line "break prog_hello"
line "continue"
check "breakpoint in the user program (ring 3)" "Breakpoint 1, 0x40000948 <prog_hello>"
line "mmu \$pc"
check "the MMU pane on the user address" "va 40000948  vm0 guest ring 3"
check "guest walk and shadow walk side by side" "guest walk (gpa)                   |shadow walk (host pa)"
check "the shadow PDE's difference explained" "its own table (pool"
check "the shadow PTE's difference explained" "read-only until the first write sets D (dirty-bit emulation)"
check "the TLB with ASIDs" "TLB: 64 entries"
screen >"$dir/mmu-80x24.txt"
# the 80x24 capture must fit: no line wider than 80 columns
if [ "$(LC_ALL=C.UTF-8 wc -L <"$dir/mmu-80x24.txt")" -le 80 ]; then ok "80 columns"; else bad "a line is wider than 80 columns"; fi
T resize-window -t t -x 120 -y 40
check "resized to 120x40: a side column with the virtual CPU" "regs: vm0 (virtual CPU)"
T resize-window -t t -x 70 -y 20
check "too small: says so" "vmlab tui needs 80x24 (this is 70x20)"
T resize-window -t t -x 80 -y 24
check_gone "back to 80x24: the side column is gone" "regs: vm0 (virtual CPU)"
check "... and the MMU pane is back" "dirty-bit emulation"
line "layout vms"
check "the VMs pane with exit counts" "exits of vm0 by cause:"
check "the exit log" "last exits: cycle"
pid=$(prog_pid)
kill -TERM "$pid"
check "SIGTERM ends it with status 143, terminal restored" "EXITED 143"

# ---- the console pane: keys go to the guest; Ctrl-C stops ----
start "$utf8" "$VMLAB" tui "$TOYOS"
check "interactive toyos" "src: boot.s:44"
line "layout con"
line "focus con"
check "the console has the focus" "keys go to the guest"
keys F5
check "F5 runs: the running indicator" "running (Ctrl-C stops)"
check "the shell's prompt in the console pane" "starting the shell" 30
keys -l "hello"
keys Enter
check "typed keys reach the guest's shell" "hello, world" 30
keys C-c
check "Ctrl-C stops the machine" "Interrupted."
check_gone "... and the indicator goes" "running (Ctrl-C stops)"
pid=$(prog_pid)
kill -SEGV "$pid"
check "a crash restores the terminal and says so" "the terminal is restored" 10

# ---- tui inside vmlab debug ----
start "$utf8" "$VMLAB" debug "$TOYOS" --console-in "$dir/hello.in"
check "vmlab debug's prompt" "(vmlab)"
line "stepi 2"
line "tui"
check "tui takes the screen" "src: boot.s:"
check "... at the same place" "pc 00001008"
line "tui disable"
check_gone "tui disable gives the screen back" "F1 help"
line "info registers pc"
check "the readline prompt works again" "pc       0x00001008"
line "quit"
check "quit" "EXITED 0"

# ---- ASCII without UTF-8; colours ----
colours() { T capture-pane -p -e -t t | grep -q $'\e\\[[0-9;]*3[0-7][;m]'; }
# colour_case NAME WANT(yes|no) ENV ARGS...: start, look, quit
colour_case() {
	start "$3" "$VMLAB" tui "${@:4}" "$TOYOS"
	wait_for "+ src: boot.s:44" >/dev/null
	local got=no
	colours && got=yes
	if [ "$got" = "$2" ]; then ok "$1"; else bad "$1 (colour sequences: $got)"; fi
	keys Escape q
	wait_for "EXITED 0" >/dev/null
}
start "$ascii" "$VMLAB" tui "$TOYOS"
check "ASCII line drawing without UTF-8" "+ src: boot.s:44 ---"
keys Escape q
check "quit" "EXITED 0"
colour_case "colours by default" yes "$ascii"
colour_case "NO_COLOR=1: no colours" no "$ascii NO_COLOR=1"
colour_case "--no-color: no colours" no "$ascii" --no-color

# ---- docs/tui.md's screens are the golden grids ----
# A "<!-- golden: NAME -->" line: the next fenced block must be
# tests/unit/tui/NAME.txt.
root=$(cd "$(dirname "$0")/../.." && pwd)
names=$(sed -n 's/^<!-- golden: \(.*\) -->$/\1/p' "$root/docs/tui.md")
for n in $names; do
	awk -v n="$n" '
		$0 == "<!-- golden: " n " -->" { want = 1; next }
		want && /^```/ { if (inblock) exit; inblock = 1; next }
		inblock { print }
	' "$root/docs/tui.md" >"$dir/doc-$n.txt"
	if cmp -s "$dir/doc-$n.txt" "$root/tests/unit/tui/$n.txt"; then
		ok "docs/tui.md shows $n as rendered"
	else
		bad "docs/tui.md's $n is not tests/unit/tui/$n.txt"
		diff "$dir/doc-$n.txt" "$root/tests/unit/tui/$n.txt" | head -10
	fi
done

# ---- not a terminal ----
out=$("$VMLAB" tui "$TOYOS" </dev/null 2>&1)
rc=$?
if [ $rc -eq 2 ] && [[ "$out" == *"needs a terminal"* ]]; then
	ok "no terminal: a clear message, status 2"
else
	bad "no terminal: status $rc, '$out'"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
