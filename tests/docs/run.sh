#!/usr/bin/env bash
# tests/docs: the instruction table in docs/isa.md is exactly what
# `vmlab isa --markdown` prints from sim/isa.def, between the lines
#   <!-- BEGIN INSTRUCTIONS -->  and  <!-- END INSTRUCTIONS -->
# (blank lines at either end of the block do not count).
#
# UPDATE=1 bash tests/docs/run.sh rewrites the block from the table.
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

sed -n "/^$begin\$/,/^$end\$/p" "$doc" | sed '1d;$d' | trim >"$tmp/doc-block"
trim <"$tmp/table" >"$tmp/want"
if diff -u "$tmp/want" "$tmp/doc-block" >"$tmp/diff"; then
	echo "1 passed, 0 failed"
else
	echo "FAIL: docs/isa.md's instruction table differs from 'vmlab isa --markdown'"
	echo "      (UPDATE=1 bash tests/docs/run.sh rewrites it)"
	head -40 "$tmp/diff"
	echo "0 passed, 1 failed"
	exit 1
fi
