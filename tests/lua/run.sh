#!/usr/bin/env bash
# tests/lua: the Lua bindings (docs/lua.md).
#   1. docs and bindings agree: every name the bindings answer to has a
#      "### `NAME`" entry in docs/lua.md, and every entry names a binding
#      (methods found at run time through the locked metatables, fields
#      from the index functions in ui/lua/*.c);
#   2. every ```lua example in docs/lua.md runs (after the prelude);
#   3. tests/lua/*.lua run and exit 0 (they assert what they test), and
#      mmu:walk's verdicts read as the debugger's `page` prints them;
#   4. tests/lua/fail/*.lua fail as their first line says:
#        -- expect: STATUS /regex on stderr/ [vmlab script options]
#      (errors with line and traceback, sandbox escapes, budgets);
#   7. Lua from the debugger and on a run: tests/lua/dbg_*.lua sourced in
#      `vmlab debug` (dbg_vmm_*.lua in `vmlab debug --vmm trap`),
#      tests/lua/session/*.lua by `vmlab run --lua`, bare and under
#      --vmm trap and pv (the examples of docs/lua.md's "From the debugger"
#      and "vmlab run --lua" run there too, in part 2; a block after
#      `<!-- vmm -->` under --vmm trap).
# Last line: "N passed, M failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
VMLAB=${VMLAB:-build/vmlab}
case $VMLAB in /*) ;; *) VMLAB=$root/$VMLAB ;; esac
doc=$root/docs/lua.md
# the toyos image beside vmlab, for tests/lua/monitor_*.lua
export TOYOS=${TOYOS:-$(dirname "$VMLAB")/toyos.elf}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# ---- 1. docs and bindings ------------------------------------------------
grep -oE '^### `[A-Za-z_][A-Za-z0-9_.:]*' "$doc" | sed 's/^### `//' | sort -u >"$T/doc"

# fields: strcmp(k, "NAME") inside each index function, by the object it serves
awk '
/^(static )?int [a-z_]+\(lua_State \*L[,)]/ { fn = $0; sub(/^(static )?int /, "", fn); sub(/\(.*/, "", fn) }
/static const char \*const subs\[\]/ { if (fn == "machine_index") { s = $0;
	while (match(s, /"[a-z]+"/)) { print "x." substr(s, RSTART + 1, RLENGTH - 2); s = substr(s, RSTART + RLENGTH) } } }
{
	s = $0
	while (match(s, /strcmp\(k, "[A-Za-z_0-9]+"\)/)) {
		name = substr(s, RSTART + 11, RLENGTH - 13)
		s = substr(s, RSTART + RLENGTH)
		p = ""
		if (fn == "machine_index") p = "x."
		else if (fn == "cpu_index" || fn == "cpu_newindex") p = "x.cpu."
		else if (fn == "phys_index") p = "x.phys."
		else if (fn == "mmu_index") p = "x.mmu."
		else if (fn == "dev_index") p = "dev."
		else if (fn == "handle_index") p = "h."
		else if (fn == "event_index" || fn == "vl_mon_event_index") p = "ev."
		else if (fn == "mon_index") p = "mon."
		else if (fn == "vm_index") p = "vm."
		else if (fn == "vcpu_index" || fn == "vcpu_newindex") p = "vm.cpu."
		else if (fn == "dbg_index") p = "dbg."
		else { print "UNMAPPED:" fn ":" name; continue }
		print p name
	}
}' "$root"/ui/lua/*.c >"$T/fields"

cat >"$T/methods.lua" <<'LUA'
local x = vmlab.machine{source = "_start: halt\n"}
local function methods(obj, prefix)
	local idx = debug.getmetatable(obj).__index
	if type(idx) == "function" then
		local _, up = debug.getupvalue(idx, 1)
		idx = up
	end
	for k in pairs(idx or {}) do print(prefix .. k) end
end
methods(x, "x:")
methods(x.cpu, "x.cpu:")
methods(x.phys, "x.phys:")
methods(x.mem, "x.mem:")
methods(x.mmu, "x.mmu:")
methods(x.dev[1], "dev:")
methods(x:on("halt", function() end), "h:")
methods(x:snapshot(), "s:")
local mon = vmlab.monitor{vms = {{source = "_start: halt\n", mem = "64K"}}}
methods(mon, "mon:")
methods(mon.vms[1], "vm:")
methods(mon.vms[1].cpu, "vm.cpu:")
for k in pairs(vmlab) do print("vmlab." .. k) end
LUA
if "$VMLAB" script "$T/methods.lua" >"$T/methods" 2>"$T/err"; then
	ok
else
	bad "listing the bindings: $(head -3 "$T/err")"
fi
# the dbg object exists in vmlab debug, vmlab.session in vmlab run --lua
cat >"$T/dbg_methods.lua" <<'LUA'
local idx = debug.getmetatable(dbg).__index
local _, up = debug.getupvalue(idx, 1)
for k in pairs(up) do print("dbg:" .. k) end
LUA
printf 'for k in pairs(vmlab) do print("vmlab." .. k) end\n' >"$T/session_names.lua"
if "$VMLAB" debug "$root/tests/debug/prog.s" --batch <<<"source $T/dbg_methods.lua" \
	| grep '^dbg:' >>"$T/methods" &&
	"$VMLAB" run --lua "$T/session_names.lua" "$root/tests/debug/prog.s" \
	| grep '^vmlab\.' >>"$T/methods"; then
	ok
else
	bad "listing the debugger's and vmlab run's bindings"
fi
if grep -q UNMAPPED "$T/fields"; then
	bad "tests/lua/run.sh does not know the object of: $(grep UNMAPPED "$T/fields" | tr '\n' ' ')"
else
	ok
fi
sort -u "$T/fields" "$T/methods" | grep -v '^UNMAPPED' >"$T/bound"
missing=$(comm -23 "$T/bound" "$T/doc")
extra=$(comm -13 "$T/bound" "$T/doc")
if [ -n "$missing" ]; then bad "bound but not in docs/lua.md: $(echo $missing)"; else ok; fi
if [ -n "$extra" ]; then bad "in docs/lua.md but not bound: $(echo $extra)"; else ok; fi

# ---- 2. the examples of docs/lua.md -----------------------------------------
awk -v dir="$T" '
/^<!-- prelude -->/ { want_prelude = 1; next }
/^<!-- vmm -->/ { want_vmm = 1; next }
BEGIN { part = "ex" }
/^## / { part = ($0 ~ /^## From the debugger/) ? "dbg" : ($0 ~ /^## `vmlab run --lua`/) ? "ses" : "ex" }
/^```lua/ { inb = 1; n++   # prelude blocks add up (the machine, the monitor)
	    if (want_prelude) file = dir "/prelude.lua"
	    else { file = sprintf("%s/%s%s%03d.lua", dir, want_vmm ? "vmm" : "", part, n)
		   printf "" > file }
	    want_prelude = 0; want_vmm = 0; next }
/^```/ && inb { inb = 0; close(file); next }
inb { print >> file }
/^### / { heading = $0 }
' "$doc"
[ -s "$T/prelude.lua" ] && ok || bad "docs/lua.md has no prelude block"
for ex in "$T"/ex*.lua; do
	[ -e "$ex" ] || continue
	cat "$T/prelude.lua" "$ex" >"$T/run.lua"
	if "$VMLAB" script "$T/run.lua" >"$T/out" 2>"$T/err"; then
		ok
	else
		bad "docs/lua.md example: $(head -2 "$ex" | tr '\n' ' ')-> $(head -2 "$T/err" | tr '\n' ' ')"
	fi
done

# the debugger's examples, sourced in a session on tests/debug/prog.s; the
# run's with vmlab run --lua on it (they end with status 0 or the guest's 30)
for ex in "$T"/dbg*.lua; do
	[ -e "$ex" ] || continue
	if "$VMLAB" debug "$root/tests/debug/prog.s" --batch <<<"source $ex" >"$T/out" 2>"$T/err"; then
		ok
	else
		bad "docs/lua.md debugger example: $(head -2 "$ex" | tr '\n' ' ')-> $(head -2 "$T/err" | tr '\n' ' ')"
	fi
done
for ex in "$T"/vmmdbg*.lua; do
	[ -e "$ex" ] || continue
	if "$VMLAB" debug --vmm trap "$root/tests/debug/prog.s" --batch <<<"source $ex" >"$T/out" 2>"$T/err"; then
		ok
	else
		bad "docs/lua.md debugger example (--vmm trap): $(head -2 "$ex" | tr '\n' ' ')-> $(head -2 "$T/err" | tr '\n' ' ')"
	fi
done
for ex in "$T"/ses*.lua "$T"/vmmses*.lua; do
	[ -e "$ex" ] || continue
	vmm=
	case $ex in */vmmses*) vmm="--vmm trap" ;; esac
	# shellcheck disable=SC2086
	"$VMLAB" run $vmm --lua "$ex" "$root/tests/debug/prog.s" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq 30 ] || { [ "$got" -eq 0 ] && [ ! -s "$T/err" ] || grep -q "stopped by the Lua" "$T/err"; }; then
		ok
	else
		bad "docs/lua.md run $vmm --lua example (status $got): $(head -2 "$ex" | tr '\n' ' ')-> $(head -2 "$T/err" | tr '\n' ' ')"
	fi
done

# ---- 3. tests that assert --------------------------------------------------------
cd "$root/tests/lua" || exit 1
for t in *.lua; do
	[ "$t" = pages.lua ] && continue # a helper of 3b below
	case $t in dbg_*) continue ;; esac # part 7
	if "$VMLAB" script "$t" arg1 arg2 >"$T/out" 2>"$T/err"; then
		ok
	else
		bad "tests/lua/$t: $(head -4 "$T/err" | tr '\n' ' ')"
	fi
done

# ---- 3b. Lua's walk verdicts and the debugger's `page` agree (one code)
printf 'break done\ncontinue\npage 0x7010\npage 0x6000\npage 0x10000\npage 0x3000\n' >"$T/pages.gdb"
"$VMLAB" debug -x "$T/pages.gdb" pages.s 2>&1 | grep -E '^  rings? [0-9]' >"$T/dbg.txt"
"$VMLAB" script pages.lua compare >"$T/lua.txt" 2>&1
if [ -s "$T/dbg.txt" ] && cmp -s "$T/dbg.txt" "$T/lua.txt"; then
	ok
else
	bad "mmu:walk verdicts differ from the debugger's page: $(diff "$T/dbg.txt" "$T/lua.txt" | head -4 | tr '\n' ' ')"
fi

# ---- 4. tests that must fail cleanly ----------------------------------------------
for t in fail/*.lua; do
	spec=$(head -1 "$t")
	if [[ ! "$spec" =~ ^--\ expect:\ ([0-9]+)\ /(.*)/\ ?(.*)$ ]]; then
		bad "$t: first line is not '-- expect: STATUS /regex/ [options]'"
		continue
	fi
	want=${BASH_REMATCH[1]} pat=${BASH_REMATCH[2]} opts=${BASH_REMATCH[3]}
	# shellcheck disable=SC2086
	timeout 60 "$VMLAB" script $opts "$t" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "$t: status $got, want $want; stderr: $(head -3 "$T/err" | tr '\n' ' ')"
	elif ! grep -qE -- "$pat" "$T/err"; then
		bad "$t: stderr lacks /$pat/: $(head -3 "$T/err" | tr '\n' ' ')"
	elif [ "$want" -eq 1 ] && [[ $t != fail/syntax* ]] && ! grep -q "stack traceback:" "$T/err"; then
		bad "$t: no traceback on stderr"
	else
		ok
	fi
done

# ---- 5. a script file of bytecode is refused (it could crash the interpreter)
printf 'local f = io.open(arg[1], "wb")\nf:write(string.dump(function() print("ran") end))\nf:close()\n' >"$T/dump.lua"
"$VMLAB" script "$T/dump.lua" "$T/evil.luac" 2>"$T/err"
"$VMLAB" script "$T/evil.luac" >"$T/out" 2>"$T/err"
got=$?
if [ "$got" -eq 1 ] && grep -q "attempt to load a binary chunk" "$T/err" && ! grep -q ran "$T/out"; then
	ok
else
	bad "a bytecode script: status $got, $(head -2 "$T/err" | tr '\n' ' ')"
fi

# ---- 6. bad command lines
for bad_args in "" "--lua-mem 1K x.lua" "--lua-insns -3 x.lua" "--bogus x.lua"; do
	# shellcheck disable=SC2086
	"$VMLAB" script $bad_args >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq 2 ] && grep -q "^vmlab script: " "$T/err"; then ok; else bad "script $bad_args: status $got"; fi
done
"$VMLAB" script --help >"$T/out" 2>&1 && grep -q "^usage: vmlab script" "$T/out" && ok || bad "script --help"
"$VMLAB" script "$T/nonexistent.lua" >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && grep -q "cannot open" "$T/err" && ok || bad "a missing script: $(cat "$T/err")"

# ---- 7. Lua from the debugger, and on an ordinary run --------------------------------
# dbg_*.lua assert what they test inside a debugger session
for t in dbg_*.lua; do
	[ -e "$t" ] || continue
	vmm=
	case $t in dbg_vmm_*) vmm="--vmm trap" ;; esac
	# shellcheck disable=SC2086
	out=$("$VMLAB" debug $vmm ../debug/prog.s --batch <<<"source $t" 2>"$T/err")
	if [ $? -eq 0 ] && grep -q "^${t%.lua} ok$" <<<"$out"; then
		ok
	else
		bad "tests/lua/$t in vmlab debug $vmm: $(head -4 "$T/err" | tr '\n' ' ')"
	fi
done
# Ctrl-C stops a Lua loop, and a machine a chunk runs, and the session goes on
for chunk in 'while true do end' \
	'y = vmlab.machine{source = "_start: j _start\n"}; y:run{}'; do
	printf 'lua %s\nlua print("after")\n' "$chunk" >"$T/cmds"
	"$VMLAB" debug ../debug/prog.s --keep-going <"$T/cmds" >"$T/out" 2>&1 &
	pid=$!
	for _ in $(seq 50); do # until the chunk runs (or 5 s)
		grep -q '^(vmlab) lua' "$T/out" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.3
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	if grep -q "interrupted (Ctrl-C)$" "$T/out" && grep -q "^after$" "$T/out"; then
		ok
	else
		bad "Ctrl-C in: lua $chunk: $(head -4 "$T/out" | tr '\n' ' ')"
	fi
done
# vmlab run --lua: handlers on the run; status and output as the run's
prog=../debug/prog.s
run_lua() { "$VMLAB" run --lua "session/$1.lua" "${@:2}" >"$T/out" 2>"$T/err"; echo $?; }
got=$(run_lua count $prog)
[ "$got" -eq 30 ] && grep -q "^square: 5 calls, 35 instructions; exit 30$" "$T/out" && ok ||
	bad "run --lua count: status $got, $(cat "$T/out" "$T/err" | head -3 | tr '\n' ' ')"
got=$(run_lua write $prog)
[ "$got" -eq 20 ] && [ ! -s "$T/err" ] && ok || bad "run --lua write: status $got, $(head -3 "$T/err" | tr '\n' ' ')"
got=$(run_lua stop $prog)
[ "$got" -eq 0 ] && grep -q "stopped by the Lua script at pc 0x00001058" "$T/err" &&
	! grep -q "squares summed" "$T/out" && ok || bad "run --lua stop: status $got"
got=$(run_lua error $prog)
[ "$got" -eq 1 ] && grep -q "^session/error.lua:5: attempt to index a nil value" "$T/err" &&
	grep -q "in a 'insn' handler" "$T/err" && grep -q "stack traceback" "$T/err" && ok ||
	bad "run --lua error: status $got, $(head -3 "$T/err" | tr '\n' ' ')"
printf 'vmlab.session:run{}\n' >"$T/runs.lua"
"$VMLAB" run --lua "$T/runs.lua" $prog >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 1 ] && grep -q "vmlab run runs vmlab.session" "$T/err" && ok || bad "run --lua that runs: status $got"
"$VMLAB" run --lua "$T/missing.lua" $prog >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 2 ] && grep -q "^vmlab run: --lua: cannot open .*missing.lua" "$T/err" &&
	! grep -q "squares" "$T/out" && ok || bad "run --lua of a missing file: status $got"
printf 'local x = vmlab.session\nio.open("/etc/passwd")\n' >"$T/escape.lua"
"$VMLAB" run --sandbox --lua "$T/escape.lua" $prog >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 1 ] && grep -q "escape.lua:2: attempt to index a nil value (global 'io')" "$T/err" &&
	grep -q "stack traceback" "$T/err" && ok || bad "run --sandbox --lua io.open: status $got"
"$VMLAB" run --help | grep -q -- "--lua FILE.lua" && ok || bad "run --help says nothing of --lua"
"$VMLAB" run --help | grep -q "Under --vmm trap|pv vmlab.session is the monitor" && ok ||
	bad "run --help says nothing of --lua under --vmm"

# vmlab run --vmm trap|pv --lua: vmlab.session is the run's monitor
guest=session/guest.s
run_vmm() { "$VMLAB" run --vmm trap --lua "session/$1.lua" "${@:2}" >"$T/out" 2>"$T/err"; echo $?; }
got=$(run_vmm mon_policy $guest) # guest.s powers off with 22 left alone
[ "$got" -eq 41 ] && grep -q "^policy: 1 call, exit 41$" "$T/out" && grep -q "^ok$" "$T/out" && ok ||
	bad "run --vmm --lua mon_policy: status $got, $(cat "$T/out" "$T/err" | head -3 | tr '\n' ' ')"
got=$(run_vmm mon_write $guest)
[ "$got" -eq 26 ] && [ ! -s "$T/err" ] && ok || bad "run --vmm --lua mon_write: status $got, $(head -3 "$T/err" | tr '\n' ' ')"
got=$(run_vmm mon_stop $guest)
[ "$got" -eq 0 ] && grep -q "stopped by the Lua script at cycle" "$T/err" && ! grep -q "^ok" "$T/out" &&
	ok || bad "run --vmm --lua mon_stop: status $got, $(head -3 "$T/err" | tr '\n' ' ')"
for t in "mon_error|5|vm.nosuch: a VM has no field|in a 'exit' handler" \
	"mon_policy_error|5|no emulation of mfcr|in the 'mfcr' policy"; do
	IFS='|' read -r name line msg where <<<"$t"
	got=$(run_vmm "$name" $guest)
	[ "$got" -eq 1 ] && grep -q "^session/$name.lua:$line: $msg" "$T/err" && grep -q "$where" "$T/err" &&
		grep -q "stack traceback" "$T/err" && ! grep -qi "sanitizer\|runtime error" "$T/err" &&
		ok || bad "run --vmm --lua $name: status $got, $(head -3 "$T/err" | tr '\n' ' ')"
done
got=$(run_vmm mon_after $guest)
n=$(grep -c "^after [1-5]: false .*the run is over: vmlab.session is closed" "$T/err")
[ "$got" -eq 22 ] && [ "$n" -eq 5 ] && ok || bad "run --vmm --lua mon_after: status $got, $n of 5 errors"
# an exit profile of toyos, trap and pv, is --stats' exit counts
for mode in trap:toyos.elf pv:toyos-pv.elf; do
	img=$(dirname "$VMLAB")/${mode#*:}
	"$VMLAB" run --vmm "${mode%%:*}" "$img" --console-in "$root/labs/os/demo.txt" --stats \
		--lua session/mon_count.lua >"$T/out" 2>"$T/err"
	got=$?
	grep "^exits " "$T/err" >"$T/lua"
	awk '/^vm exits/ { f = 1; next } f && /^  / { print "exits", $1, $2; next } { f = 0 }' \
		"$T/err" | sort >"$T/stats"
	[ "$got" -eq 0 ] && [ -s "$T/lua" ] && cmp -s "$T/lua" "$T/stats" && ok ||
		bad "run --vmm ${mode%%:*} --lua mon_count: status $got, $(diff "$T/lua" "$T/stats" | head -3 | tr '\n' ' ')"
done
"$VMLAB" run --vmm trap "$(dirname "$VMLAB")/toyos.elf" --console-in "$root/labs/os/demo.txt" \
	--stats --lua ../../examples/lua/exit_profile.lua >"$T/out" 2>"$T/err"
got=$?
total=$(awk '/^vm exits/ { print $3 }' "$T/err")
[ "$got" -eq 0 ] && [ -n "$total" ] && grep -q "^$total exits; the 10 guest pcs" "$T/out" &&
	[ "$(grep -c '^0x' "$T/out")" -eq 10 ] && ok ||
	bad "run --lua examples/lua/exit_profile.lua: status $got, $(head -2 "$T/err" | tr '\n' ' ')"
# the scheduler example on a plain run: 3 guests, shares 1:2:3 (round
# robin without it: even)
shares() { # guest instructions of vm0..vm2 from --stats
	"$VMLAB" run --vm session/spin.s,mem=64K --vm session/spin.s,mem=64K \
		--vm session/spin.s,mem=64K --slice 20000 --max-insns 6000000 --stats "$@" 2>&1 >/dev/null |
		awk '/^--- monitor: vm/ { f = 1 } /^--- monitor: total/ { f = 0 }
		     f && /^guest cycles/ { sub(/\(/, "", $4); printf "%s ", $4 }'
}
read -r a b c <<<"$(shares --lua ../../examples/lua/share.lua)"
read -r ra rb rc <<<"$(shares)"
if [ -n "$c" ] && [ -n "$rc" ] && awk -v a="$a" -v b="$b" -v c="$c" -v ra="$ra" -v rc="$rc" \
	'BEGIN { exit !(b / a > 1.9 && b / a < 2.1 && c / a > 2.85 && c / a < 3.15 &&
			rc / ra > 0.95 && rc / ra < 1.05) }'; then
	ok
else
	bad "run --lua examples/lua/share.lua: shares $a $b $c (round robin $ra $rb $rc)"
fi
"$VMLAB" debug --help | grep -q -- "source FILE.lua" && ok || bad "debug --help says nothing of Lua"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
