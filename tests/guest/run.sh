#!/usr/bin/env bash
# Guest programs with golden output (docs/isa.md is their spec).
#
# For each tests/guest/NAME.s there is one run per expected output:
# NAME.out (the plain run) and NAME.V.out for each variant V.  A run is
#
#     $VMLAB run NAME.s [the words of NAME[.V].args]
#
# and passes when standard output equals NAME[.V].out byte for byte, the
# exit status equals NAME[.V].status (0 if that file is absent), every line
# of NAME[.V].err (an extended regular expression) matches standard error,
# and NAME[.V].check, if present, succeeds (a bash snippet run afterwards).
#
# In .args and .check, @DIR@ is this directory and @TMP@ a scratch
# directory holding disk.img: a fresh 16-block disk for each run, in which
# every byte of block b is the letter 'A' + b.
#
# Last line: "N passed, M failed"; the exit status is 1 if any failed.
set -u
VMLAB=${VMLAB:-build/vmlab}
DIR=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

subst() { sed -e "s|@DIR@|$DIR|g" -e "s|@TMP@|$TMP|g" "$1"; }

fresh_disk() {
	: >"$TMP/disk.img"
	for b in $(seq 0 15); do
		printf "%512s" "" | tr ' ' "$(printf "\\$(printf '%03o' $((65 + b)))")" >>"$TMP/disk.img"
	done
}

# run_one SRC BASE: BASE is NAME or NAME.V, without the directory
run_one() {
	local src=$1 base=$2 why=""
	local args=() want=0 got
	[ -f "$DIR/$base.args" ] && read -r -a args <<<"$(subst "$DIR/$base.args" | tr '\n' ' ')"
	[ -f "$DIR/$base.status" ] && want=$(tr -d ' \n' <"$DIR/$base.status")
	fresh_disk
	"$VMLAB" run "$src" "${args[@]}" >"$TMP/stdout" 2>"$TMP/stderr" </dev/null
	got=$?
	if ! cmp -s "$TMP/stdout" "$DIR/$base.out"; then
		why="stdout differs"
		diff "$DIR/$base.out" "$TMP/stdout" | head -20
	elif [ "$got" != "$want" ]; then
		why="exit status $got, expected $want"
	elif [ -f "$DIR/$base.err" ]; then
		while IFS= read -r pat; do
			[ -z "$pat" ] && continue
			grep -qE -- "$pat" "$TMP/stderr" || { why="stderr lacks /$pat/"; break; }
		done <"$DIR/$base.err"
	fi
	if [ -z "$why" ] && [ -f "$DIR/$base.check" ]; then
		(TMP=$TMP; eval "$(subst "$DIR/$base.check")") || why="$base.check failed"
	fi
	if [ -n "$why" ]; then
		fail=$((fail + 1))
		echo "FAIL $base: $why"
		sed 's/^/  stderr: /' "$TMP/stderr" | head -10
	else
		pass=$((pass + 1))
		echo "ok   $base"
	fi
}

for src in "$DIR"/*.s; do
	name=$(basename "$src" .s)
	[ -f "$DIR/$name.out" ] || { fail=$((fail + 1)); echo "FAIL $name: no $name.out"; continue; }
	run_one "$src" "$name"
	for out in "$DIR/$name".*.out; do
		[ -f "$out" ] || continue
		run_one "$src" "$(basename "$out" .out)"
	done
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
