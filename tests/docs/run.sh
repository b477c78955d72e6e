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
here=$root/tests/docs
work=$tmp/work
mkdir -p "$work" "$tmp/bin"
for f in "$root"/*; do
	[ "$(basename "$f")" = build ] || ln -s "$f" "$work/$(basename "$f")"
done
ln -s "$(dirname "$VMLAB")" "$work/build"
ln -s "$VMLAB" "$tmp/bin/vmlab"
export PATH="$tmp/bin:$PATH" VMLAB_HISTORY=/dev/null
for md in "$root"/README.md "$root"/docs/*.md; do
	(cd "$root" && awk -f "$here/examples.awk" "${md#"$root"/}")
done >"$tmp/records"

# the files examples need first (SAVE NAME LINE)
# the text after the record's first two fields (it may hold tabs itself)
rest='function rest(s) { sub(/^[^\t]*\t[^\t]*\t?/, "", s); return s }'
awk -F'\t' -v dir="$work" "$rest"' $1 == "SAVE" { print rest($0) > (dir "/" $2) }' "$tmp/records"
awk -F'\t' '$1 == "SKIP" { printf "skip: %s: %s\n", $2, $3 }
	     $1 == "NOTE" { printf "unchecked: %s: %s\n", $2, $3 }' "$tmp/records"

run_case() { # run_case ID KIND ARGS: prints the output of the example
	local id=$1 kind=$2 args=$3 cmd
	if [ "$kind" = console ]; then
		awk -F'\t' -v id="$id" "$rest"' $1 == "CMD" && $2 == id { print rest($0) }' "$tmp/records" |
		while IFS= read -r cmd; do
			(cd "$work" && bash -c "$cmd" 2>&1 </dev/null)
		done
		return
	fi
	# debug: "ARGS ;; SETUP ;; SETUP": the setup runs first, unseen
	local dargs=${args%%;;*} setup=""
	[ "$dargs" != "$args" ] && setup=${args#*;;}
	{
		printf '%s\n' "$setup" | awk -v RS=';;' '{ gsub(/^[ \t\n]+|[ \t\n]+$/, ""); if ($0 != "") print }'
		echo 'echo @@doctest@@\n'
		awk -F'\t' -v id="$id" "$rest"' $1 == "OUT" && $2 == id && $3 ~ /^\(vmlab\) / {
			print substr(rest($0), 9) }' "$tmp/records"
	} >"$tmp/cmds"
	# shellcheck disable=SC2086
	(cd "$work" && vmlab debug $dargs --batch --keep-going <"$tmp/cmds" 2>&1) |
		awk 'seen { print } /^@@doctest@@$/ { seen = 1 }'
}

while IFS=$'\t' read -r _ id kind args; do
	awk -F'\t' -v id="$id" "$rest"' $1 == "OUT" && $2 == id { print rest($0) }' "$tmp/records" \
		>"$tmp/want"
	run_case "$id" "$kind" "$args" >"$tmp/got"
	if msg=$(awk -f "$here/match.awk" "$tmp/want" "$tmp/got"); then
		passed=$((passed + 1))
	else
		echo "FAIL: $id: the example prints something else"
		printf '%s\n' "$msg"
		failed=$((failed + 1))
	fi
done < <(awk -F'\t' '$1 == "CASE"' "$tmp/records")

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
