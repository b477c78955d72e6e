#!/usr/bin/env bash
# examples.sh -- run the checkable examples of markdown files and say
# whether each prints what the file shows (used by tests/docs/run.sh for
# README.md and docs/, and by tests/labs/run.sh for each lab's handout).
#
#   bash tests/docs/examples.sh WORK BASE MD...
#
# MD are paths relative to BASE (they name the examples: "docs/x.md:12").
# Every command runs with WORK as its current directory and the vmlab under
# test ($VMLAB) first on PATH as `vmlab`; the markers and the matching rules
# are in examples.awk and match.awk.  Prints skipped and unmarked blocks, a
# FAIL report per example that differs, and last "N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$1
base=$2
shift 2
VMLAB=${VMLAB:-build/vmlab}
case $VMLAB in /*) ;; *) VMLAB=$(pwd)/$VMLAB ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
ln -s "$VMLAB" "$tmp/bin/vmlab"
# scripts the examples run (scripts/mklab) find the same vmlab
export PATH="$tmp/bin:$PATH" VMLAB_HISTORY=/dev/null VMLAB

(cd "$base" && for md in "$@"; do awk -f "$here/examples.awk" "$md"; done) >"$tmp/records"

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

passed=0
failed=0
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
