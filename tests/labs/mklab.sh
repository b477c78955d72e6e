#!/usr/bin/env bash
# tests/labs/mklab.sh -- scripts/mklab and scripts/lab-strip.awk on their
# own, with the small lab in tests/labs/mklab/lab (run by tests/labs/run.sh):
# markers stripped to their TODO line with the indentation and comment kept,
# every marker out of place a "FILE:LINE: error:" with status 1, the
# starter builds, the folders hold what they should.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tests/labs/mklab
VMLAB=${VMLAB:-build/vmlab}
case $VMLAB in /*) ;; *) VMLAB=$root/$VMLAB ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # check WHAT COMMAND...: the command must succeed
	local what=$1
	shift
	if "$@" >"$tmp/check.log" 2>&1; then
		passed=$((passed + 1))
	else
		echo "FAIL: mklab: $what"
		head -20 "$tmp/check.log"
		failed=$((failed + 1))
	fi
}

# stripping: the starter text, byte for byte
for f in add.s fmt.lua; do
	awk -f "$root/scripts/lab-strip.awk" "$here/lab/$f" >"$tmp/$f"
	check "$f stripped to starter-$f" diff -u "$here/starter-$f" "$tmp/$f"
done

# markers out of place: FILE:LINE: error: ..., status 1
for c in nested.s:4 stray-end.s:2 unclosed.s:3 inline.s:2 no-todo.s:2; do
	f=${c%%:*}
	awk -f "$root/scripts/lab-strip.awk" "$here/bad/$f" >/dev/null 2>"$tmp/err"
	rc=$?
	check "$f: status 1 (got $rc)" test "$rc" -eq 1
	check "$f: error at $c" grep -q "^$here/bad/$c: error: " "$tmp/err"
done

# the whole tool on the small lab
out=$tmp/out
check "mklab makes the lab" env VMLAB="$VMLAB" "$root/scripts/mklab" "$here/lab" "$out"
check "student/add.s is the starter" diff -u "$here/starter-add.s" "$out/student/add.s"
check "student/ has the lab's data" cmp "$here/lab/harness.s" "$out/student/harness.s"
check "student/ has no grade.lua" test ! -e "$out/student/grade.lua"
check "instructor/ is the lab" diff -r "$here/lab" "$out/instructor"
check "the starter builds" "$VMLAB" asm "$out/student/harness.s" -o "$tmp/a.elf"
check "gradescope.zip" unzip -l "$out/gradescope.zip" lab/grade.lua
check "prairielearn/" test -f "$out/prairielearn/tests/lab/grade.lua"

# a marker out of place stops mklab with the file and line
cp -R "$here/lab" "$tmp/badlab"
cp "$here/bad/unclosed.s" "$tmp/badlab/add.s"
env VMLAB="$VMLAB" "$root/scripts/mklab" "$tmp/badlab" "$tmp/out2" >/dev/null 2>"$tmp/err"
rc=$?
check "a bad marker: mklab's status 1 (got $rc)" test "$rc" -eq 1
check "a bad marker: mklab names add.s:3" grep -q "badlab/add.s:3: error: " "$tmp/err"
# and a folder that is not a lab
env VMLAB="$VMLAB" "$root/scripts/mklab" "$tmp" "$tmp/out3" >/dev/null 2>"$tmp/err"
rc=$?
check "not a lab: status 1 (got $rc)" test "$rc" -eq 1
check "not a lab: says so" grep -q "not a lab (no grade.lua)" "$tmp/err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
