#!/usr/bin/env bash
# tests/grade: `vmlab grade` (docs/grading.md) on the sample lab in
# tests/grade/lab with four submissions in tests/grade/subs:
#   correct   full marks;  partial   an off-by-one in sum;
#   nobuild   sum.s does not assemble;
#   hostile   fake PASS lines, an endless loop, a console flood, Lua that
#             reaches for io/os/require/debug and loops, C that forks
#             as much as it can and prints a fake PASS line.
# Every format is read back (check_formats.py: TAP parsed, JUnit XML with
# its counts, both JSONs field by field; python3 is needed for these and
# they are skipped with a message without it), results are byte-identical
# run to run, exit statuses, --fail-under, --seeds (tests/grade/limits),
# output cut, batch grading with summaries, and both platform bundles run
# against a fake root folder.  Last line: "N passed, M failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
VMLAB=${VMLAB:-build/vmlab}
case $VMLAB in /*) ;; *) VMLAB=$root/$VMLAB ;; esac
cd "$root" || exit 1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/tmp"
# student programs run as nobody when the tests run as root: it must reach
# its copy of the submission under TMPDIR
chmod 711 "$T" && chmod 1777 "$T/tmp"
export TMPDIR=$T/tmp
G=tests/grade
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
have_py=0
python3 -c 'import json, xml.etree.ElementTree' 2>/dev/null && have_py=1
[ $have_py = 1 ] || echo "skip: no python3: the formats are not read back"

# check KIND FILE ARGS...: read a result back (python3)
check() {
	[ $have_py = 1 ] || return 0
	if out=$(python3 $G/check_formats.py "$@" 2>&1); then ok; else bad "$2: $out"; fi
}

# grade SUB FORMAT [options]: the result in $T/SUB.FORMAT, status in $rc
grade() {
	local sub=$1 fmt=$2
	shift 2
	"$VMLAB" grade --no-timing -f "$fmt" "$@" $G/lab $G/subs/$sub >"$T/$sub.$fmt" 2>"$T/err"
	rc=$?
}

# ---- the four submissions, every format --------------------------------
#        sub      score max tests failed skipped junit-errors pl-score
cases="correct  8 8 6 0 0 0 1
partial  5 8 6 2 0 0 0.625
nobuild  2 8 6 4 0 1 nogradable
hostile  0 8 6 6 0 0 0"
while read -r sub score max tests failed skipped errs pl; do
	start=$(date +%s)
	for fmt in text tap junit gradescope prairielearn; do
		grade "$sub" "$fmt"
		[ "$rc" -eq 0 ] && ok || bad "$sub $fmt: status $rc: $(head -3 "$T/err")"
	done
	[ $(($(date +%s) - start)) -lt 60 ] && ok || bad "$sub: grading took a minute or more"
	last=$(tail -1 "$T/$sub.text")
	[ "$last" = "Score: $score/$max" ] && ok || bad "$sub: last line '$last', want Score: $score/$max"
	check tap "$T/$sub.tap" 2 "$tests" "$failed" "$skipped"
	check junit "$T/$sub.junit" $((tests + 2)) "$failed" "$errs" "$skipped" sample
	check gradescope "$T/$sub.gradescope" "$score" "$max" "sum wraps around"
	check prairielearn "$T/$sub.prairielearn" "$pl"
	# the same submission gives the same bytes
	for fmt in text tap junit gradescope prairielearn; do
		cp "$T/$sub.$fmt" "$T/$sub.$fmt.1"
		grade "$sub" "$fmt"
		cmp -s "$T/$sub.$fmt" "$T/$sub.$fmt.1" && ok || bad "$sub $fmt: differs run to run"
	done
done <<<"$cases"

# timing fields are the only difference with timing on
"$VMLAB" grade -f gradescope $G/lab $G/subs/partial >"$T/timed.json" 2>/dev/null
sed -E 's/"execution_time": [0-9.]+/"execution_time": 0.000/' "$T/timed.json" |
	cmp -s - "$T/partial.gradescope" && ok || bad "gradescope with timing differs beyond execution_time"
"$VMLAB" grade -f junit $G/lab $G/subs/partial >"$T/timed.xml" 2>/dev/null
sed -E 's/time="[0-9.]+"/time="0.000"/g' "$T/timed.xml" |
	cmp -s - "$T/partial.junit" && ok || bad "junit with timing differs beyond time="

# what a failure says: expected and seen, GOOD/BAD/MISSING, the replay
grep -q 'FAIL register a0: expected 55 (0x37), got 45 (0x2d)' "$T/partial.text" && ok ||
	bad "partial: the failure does not say expected and seen"
grep -q '  replay: "vmlab debug tests/grade/lab/harness.s -I tests/grade/subs/partial --seed 1"' \
	"$T/partial.tap" && ok || bad "partial: no replay command"
grep -q 'sum.s:3:9: error: unknown instruction' "$T/nobuild.text" && ok ||
	bad "nobuild: the build errors are not in the result"
grep -q "the build 'program' failed, so this test cannot run" "$T/nobuild.text" && ok ||
	bad "nobuild: tests do not say the build failed"

# ---- hostile: nothing it prints or does counts ------------------------------
h=$T/hostile.text
grep -q 'the instruction budget of 100000 ran out' "$h" && ok || bad "hostile: endless loop not stopped by the budget"
grep -q 'more than 4096 bytes to the console' "$h" && ok || bad "hostile: console flood not stopped"
grep -q "student's Lua ran out of its budget" "$h" && ok ||
	bad "hostile: the student's Lua loop not stopped"
grep -q '^    BAD  PASS: wc' "$h" && ok || bad "hostile: the fake PASS line is not marked BAD"
grep -qE '^ +"?\{"score": 100' "$T/hostile.gradescope" && bad "hostile: student print reached the result" || ok
[ ! -e /tmp/pwned ] && ok || bad "hostile: student Lua ran os.execute"
[ -z "$(ls -A "$T/tmp")" ] && ok || bad "the temporary folder is left behind: $(ls "$T/tmp")"
if pgrep -x wc >/dev/null 2>&1 && pgrep -x wc -a | grep -q '\./wc'; then
	bad "hostile: processes the student's wc forked are still alive"
else
	ok
fi
# the student's Lua got nothing of io, os, require, debug, loadfile
cat >"$T/probe.lua" <<'LUA'
return { probe = function()
  return tostring(io) .. tostring(os) .. tostring(require) .. tostring(debug) .. tostring(loadfile)
end }
LUA
mkdir -p "$T/probe" && cp "$T/probe.lua" "$T/probe/fmt.lua"
mkdir -p "$T/plab" && cat >"$T/plab/grade.lua" <<'LUA'
test{ name = "probe", function(t)
  local m = assert(grade.student_lua("fmt.lua"))
  t:expect_eq(m.probe(), "nilnilnilnilnil", "what the sandbox has")
end }
LUA
"$VMLAB" grade "$T/plab" "$T/probe" >"$T/probe.out" 2>&1
[ "$(tail -1 "$T/probe.out")" = "Score: 1/1" ] && ok || bad "sandbox probe: $(cat "$T/probe.out")"
# nothing of the student's runs outside its budget: metamethods of what it
# returns are not called, objects with __gc are refused
cat >"$T/probe/fmt.lua" <<'LUA'
local gc = pcall(setmetatable, {}, { __gc = function() while true do end end })
local slow = setmetatable({}, { __index = function() while true do end end })
return { gc = gc, slow = slow, spin = function() while true do end end,
         sly = function() return setmetatable({}, { __tostring = function() while true do end end,
                                                     __eq = function() while true do end end }) end }
LUA
cat >"$T/plab/grade.lua" <<'LUA'
test{ name = "probe", function(t)
  local m = assert(grade.student_lua("fmt.lua"))
  t:expect_eq(m.gc, false, "setmetatable with __gc")
  t:expect_eq(m.slow.anything, nil, "a field of a returned table")
  t:expect(not pcall(m.spin), "an endless student function is stopped")
  local v = m.sly()
  t:expect(getmetatable(v) == nil and v ~= {} and tostring(v):find("^table"), "a returned table is plain")
  collectgarbage()
end }
LUA
timeout 60 "$VMLAB" grade "$T/plab" "$T/probe" >"$T/probe.out" 2>&1
[ "$(tail -1 "$T/probe.out")" = "Score: 1/1" ] && ok || bad "sandbox probe 2: $(cat "$T/probe.out")"

# the assembler reads what the student's user may read, never the grader:
# .include of the lab's grade.lua (by its path, and by ../lab/) gives no
# line of it, when the lab is readable by root only (as the bundles make it)
if [ "$(id -u)" = 0 ]; then
	cp -r $G/lab "$T/hidden-lab" && chmod -R go-rwx "$T/hidden-lab"
	mkdir -p "$T/peek" && cp $G/subs/correct/* "$T/peek/"
	printf '.include "%s/hidden-lab/grade.lua"\n' "$T" >>"$T/peek/sum.s"
	"$VMLAB" grade "$T/hidden-lab" "$T/peek" >"$T/peek.out" 2>&1
	grep -q "cannot open include file" "$T/peek.out" && grep -q "grade.lua': Permission denied" \
		"$T/peek.out" && ok ||
		bad "include of the hidden grader: $(head -20 "$T/peek.out")"
	cp $G/subs/correct/sum.s "$T/peek/sum.s"
	printf '.include "../lab/grade.lua"\n' >>"$T/peek/sum.s"
	"$VMLAB" grade "$T/hidden-lab" "$T/peek" >"$T/peek.out" 2>&1
	grep -q "cannot open include file '../lab/grade.lua'" "$T/peek.out" && ok ||
		bad "include of ../lab/grade.lua: $(head -20 "$T/peek.out")"
	grep -qE "unknown instruction '(lab|test|local)" "$T/peek.out" && bad "the grader's lines leaked" || ok
else
	echo "skip: not root: the hidden-lab include checks need another user"
fi

# ---- exit statuses, options ------------------------------------------------------
expect_status() {
	local want=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	[ "$got" -eq "$want" ] && ok || bad "$* -> $got, want $want: $(head -2 "$T/err")"
}
expect_status 0 "$VMLAB" grade --help
expect_status 2 "$VMLAB" grade $G/lab
expect_status 2 "$VMLAB" grade $G/nosuchlab $G/subs/correct
expect_status 2 "$VMLAB" grade $G/subs $G/subs/correct
expect_status 2 "$VMLAB" grade $G/lab $G/subs/nosuch
expect_status 2 "$VMLAB" grade -f yaml $G/lab $G/subs/correct
expect_status 2 "$VMLAB" grade $G/badlab $G/empty
grep -q "a second test named 'twice'" "$T/err" && ok || bad "badlab: no clear message"
expect_status 2 "$VMLAB" grade --test nosuch $G/lab $G/subs/correct
expect_status 1 "$VMLAB" grade --fail-under 70 $G/lab $G/subs/partial
expect_status 0 "$VMLAB" grade --fail-under 60 $G/lab $G/subs/partial
expect_status 0 "$VMLAB" grade --fail-under 100 $G/lab $G/subs/correct
expect_status 2 "$VMLAB" grade --fail-under 101 $G/lab $G/subs/correct
expect_status 0 "$VMLAB" grade -o "$T/o.txt" $G/lab $G/subs/partial
[ "$(tail -1 "$T/o.txt")" = "Score: 5/8" ] && [ ! -s "$T/out" ] && ok || bad "--out did not get the result"
expect_status 0 "$VMLAB" grade --test 'sum of 1..10' $G/lab $G/subs/partial
[ "$(tail -1 "$T/out")" = "Score: 0/2" ] && ok || bad "--test: $(tail -1 "$T/out")"

# ---- seeds, skips, the output cut (tests/grade/limits) ---------------------
"$VMLAB" grade --no-timing --seeds 8 $G/limits $G/empty >"$T/seeds" 2>&1
grep -q '^FAIL flaky (seed 6)$' "$T/seeds" && ok || bad "--seeds 8: not the smallest failing seed 6"
grep -q 'replay: vmlab debug tests/grade/limits/rng.s -I tests/grade/empty --seed 6' "$T/seeds" &&
	ok || bad "--seeds: no replay command with the seed"
for s in 1 2 3 4 5; do # the seeds below 6 really pass
	"$VMLAB" grade --seed $s --test flaky $G/limits $G/empty | tail -1 | grep -qx 'Score: 1/1' ||
		bad "seed $s does not pass"
done && ok
"$VMLAB" grade --seeds 5 $G/limits $G/empty | grep -q '^  flaky .* 1/1  ok$' && ok || bad "--seeds 5 should pass flaky"
grep -q "^SKIP after flaky: 'flaky' did not pass" "$T/seeds" && ok || bad "after= did not skip"
"$VMLAB" grade --no-timing --seeds 8 -f tap $G/limits $G/empty >"$T/limits.tap"
check tap "$T/limits.tap" 1 4 2 1
"$VMLAB" grade --no-timing --seeds 8 -f junit $G/limits $G/empty >"$T/limits.xml"
check junit "$T/limits.xml" 5 2 0 1 limits
grep -q "^ok 3 - after flaky # SKIP 'flaky' did not pass$" "$T/limits.tap" && ok || bad "TAP: no SKIP directive"
grep -q 'bytes cut: output is kept to 4096 bytes' "$T/seeds" && ok || bad "long output not cut"
"$VMLAB" grade --no-timing -f gradescope $G/limits $G/empty >"$T/cut.json"
[ $have_py = 0 ] || python3 - "$T/cut.json" <<'PY' && ok || bad "the cut output is over the limit"
import json, sys
d = json.load(open(sys.argv[1]))
o = [t for t in d["tests"] if t["name"] == "long output"][0]["output"]
sys.exit(0 if len(o.encode()) <= 4096 + 200 else 1)
PY
grep -q '^  no monitor yet .* 1/1  ok$' "$T/seeds" && ok || bad "t:monitor without vmlab.monitor"

# ---- toyos with the student's file in place of its own (tests/grade/toyos)
mkdir -p "$T/os-ok" "$T/os-bad" "$T/os-none"
cp labs/os/progs.s "$T/os-ok/"
printf 'frob\n' >"$T/os-bad/progs.s"
"$VMLAB" grade $G/toyos "$T/os-ok" >"$T/os.out" 2>&1
[ "$(tail -1 "$T/os.out")" = "Score: 1/1" ] && ok || bad "toyos: $(cat "$T/os.out")"
"$VMLAB" grade $G/toyos "$T/os-bad" >"$T/os.out" 2>&1
grep -q '^    progs.s:1:1: error: unknown instruction' "$T/os.out" && ok || bad "toyos bad: $(cat "$T/os.out")"
"$VMLAB" grade $G/toyos "$T/os-none" >"$T/os.out" 2>&1
grep -q 'the submission has no file progs.s' "$T/os.out" && ok || bad "toyos none: $(cat "$T/os.out")"

# ---- t:monitor: guests under the monitor, seeds per VM (tests/grade/monitor)
mkdir -p "$T/nothing"
"$VMLAB" grade --seeds 3 $G/monitor "$T/nothing" >"$T/mon.out" 2>&1
[ "$(tail -1 "$T/mon.out")" = "Score: 2/2" ] && ok || bad "t:monitor: $(cat "$T/mon.out")"

# ---- many submissions --------------------------------------------------------------
expect_status 0 "$VMLAB" grade --no-timing --jobs 2 -f gradescope -o "$T/batch" $G/lab $G/subs
for s in correct partial nobuild hostile; do
	cmp -s "$T/batch/$s.json" "$T/$s.gradescope" && ok || bad "batch: $s.json differs from the single run"
done
check summary "$T/batch" 4
grep -q '^partial,5,8,62.5,yes,4,2,0,$' "$T/batch/summary.csv" && ok || bad "summary.csv: $(cat "$T/batch/summary.csv")"
grep -q '^nobuild,2,8,25,no,' "$T/batch/summary.csv" && ok || bad "summary.csv: nobuild not marked not gradable"

# ---- platform bundles, run against a fake root -------------------------------------
bash $G/bundles.sh "$VMLAB" "$T/bundles" >"$T/bundles.out" 2>&1
while read -r line; do
	case $line in
	ok:*) ok ;;
	FAIL:*) bad "bundles: ${line#FAIL: }" ;;
	esac
done <"$T/bundles.out"
grep -qE '^(ok|FAIL):' "$T/bundles.out" || bad "bundles: $(tail -5 "$T/bundles.out")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
