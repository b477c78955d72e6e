#!/usr/bin/env bash
# tests/docs: the docs say what vmlab does.
#
# 1. The instruction table in docs/isa.md is exactly what
#    `vmlab isa --markdown` prints from sim/isa.def, between the lines
#      <!-- BEGIN INSTRUCTIONS -->  and  <!-- END INSTRUCTIONS -->
#    (blank lines at either end of the block do not count).
#    UPDATE=1 bash tests/docs/run.sh rewrites the block from the table.
#
# 2. Every example in README.md and docs/*.md that is marked runnable runs
#    and prints what the doc shows (tests/docs/examples.awk has the
#    markers: ```console blocks of "$ COMMAND" and its output; doctest
#    comments for debugger transcripts, files to save, and blocks to skip
#    with the reason).  Commands run in a scratch directory that links the
#    repository's top-level entries (so paths read as from the repository
#    root), with the vmlab under test first on PATH as `vmlab` and `build/`
#    its directory.  In expected output a line "..." stands for any lines,
#    "..." in a line for any text, and "  <- NOTE" ends a line with a note
#    for the reader.  Skipped blocks, and blocks that look like examples
#    but carry no marker, are listed.
# The last line is "N passed, M failed"; the status is non-zero on failure.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
VMLAB=${VMLAB:-build/vmlab}
case $VMLAB in /*) ;; *) VMLAB=$root/$VMLAB ;; esac
doc=$root/docs/isa.md
begin='<!-- BEGIN INSTRUCTIONS -->'
end='<!-- END INSTRUCTIONS -->'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$doc" ]; then
	echo "skip: docs/isa.md does not exist yet"
	echo "0 passed, 0 failed"
	exit 0
fi
if [ "$(grep -cxF "$begin" "$doc")" -ne 1 ] || [ "$(grep -cxF "$end" "$doc")" -ne 1 ]; then
	echo "FAIL: docs/isa.md needs exactly one '$begin' line and one '$end' line"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! "$VMLAB" isa --markdown >"$tmp/table"; then
	echo "FAIL: $VMLAB isa --markdown"
	echo "0 passed, 1 failed"
	exit 1
fi

# drop leading and trailing blank lines
trim() { sed -e '/./,$!d' | tac | sed -e '/./,$!d' | tac; }

if [ "${UPDATE:-}" = 1 ]; then
	{
		sed -n "1,/^$begin\$/p" "$doc"
		cat "$tmp/table"
		sed -n "/^$end\$/,\$p" "$doc"
	} >"$tmp/doc" && cp "$tmp/doc" "$doc"
fi

passed=0
failed=0
sed -n "/^$begin\$/,/^$end\$/p" "$doc" | sed '1d;$d' | trim >"$tmp/doc-block"
trim <"$tmp/table" >"$tmp/want"
if diff -u "$tmp/want" "$tmp/doc-block" >"$tmp/diff"; then
	passed=$((passed + 1))
else
	echo "FAIL: docs/isa.md's instruction table differs from 'vmlab isa --markdown'"
	echo "      (UPDATE=1 bash tests/docs/run.sh rewrites it)"
	head -40 "$tmp/diff"
	failed=$((failed + 1))
fi

# ---- the examples ----
work=$tmp/work
mkdir -p "$work"
for f in "$root"/*; do
	[ "$(basename "$f")" = build ] || ln -s "$f" "$work/$(basename "$f")"
done
ln -s "$(dirname "$VMLAB")" "$work/build"
mds=(README.md)
for md in "$root"/docs/*.md; do mds+=("docs/${md##*/}"); done
VMLAB=$VMLAB bash "$root/tests/docs/examples.sh" "$work" "$root" "${mds[@]}" >"$tmp/ex"
cat "$tmp/ex"
last=$(tail -1 "$tmp/ex")
if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
	passed=$((passed + BASH_REMATCH[1]))
	failed=$((failed + BASH_REMATCH[2]))
else
	echo "FAIL: tests/docs/examples.sh did not finish"
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
