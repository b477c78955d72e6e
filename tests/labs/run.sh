#!/usr/bin/env bash
# tests/labs: every lab in labs/NN-name/ works as a course would use it
# (docs/teaching.md, "Writing a new lab").  For each lab:
#
#   mklab      scripts/mklab makes its student/instructor folders and
#              both platform bundles; student/ holds no solution of this
#              lab or a later one
#   reference  the lab's own student files, graded: full marks, status 0
#   starter    the stripped student files: they build, grade to less than
#              full marks with status 0, and every failed test says why
#              (a "FAIL NAME (seed N)" report with a message under it)
#   wrong/X    the reference with X's files over it (X/FILE replaces FILE,
#              X/FILE.diff patches it): exactly the score in X/EXPECT
#              ("score A/B"), and every "fail TEST" named there fails
#   handout    README.md's examples (```console blocks, doctest markers:
#              tests/docs/examples.sh) print what it shows, run in the
#              student folder with the reference files in it
#
# LAB=NN runs lab NN only (LAB=02 or LAB=02-syscalls).  Also tests
# scripts/mklab's marker stripping on its own (tests/labs/mklab/).
# The last line is "N passed, M failed"; the status is non-zero on failure.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
VMLAB=${VMLAB:-build/vmlab}
case $VMLAB in /*) ;; *) VMLAB=$root/$VMLAB ;; esac
export VMLAB
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

# the student's files a lab names in lab{files={...}}
student_files() {
	tr '\n' ' ' <"$1/grade.lua" | grep -o 'files *= *{[^}]*}' | head -1 | grep -o '"[^"]*"' | tr -d '"'
}

# grade LAB SUB OUT: grade SUB, text format; OUT gets the report, the
# status is vmlab's
grade() {
	"$VMLAB" grade --no-timing "$1" "$2" >"$3" 2>&1
}

score_of() { sed -n 's/^Score: \([0-9]*\/[0-9]*\)$/\1/p' "$1" | tail -1; }

# the parts of mklab itself (no lab needed)
if [ -z "${LAB:-}" ]; then
	out=$(bash "$root/tests/labs/mklab.sh" 2>&1)
	last=$(printf '%s\n' "$out" | tail -1)
	if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
		[ "${BASH_REMATCH[2]}" -gt 0 ] && printf '%s\n' "$out"
	else
		printf '%s\n' "$out"
		bad "tests/labs/mklab.sh did not finish"
	fi
fi

for lab in "$root"/labs/[0-9][0-9]-*/; do
	lab=${lab%/}
	name=$(basename "$lab")
	case ${LAB:-} in "" | "$name" | "${name%%-*}") ;; *) continue ;; esac
	out=$tmp/$name
	files=$(student_files "$lab")

	# mklab
	if (cd "$root" && VMLAB=$VMLAB scripts/mklab "labs/$name" "$out") >"$tmp/mklab.log" 2>&1 &&
		[ -f "$out/gradescope.zip" ] && [ -f "$out/prairielearn/tests/run.sh" ] &&
		[ ! -e "$out/student/grade.lua" ] && [ ! -e "$out/student/wrong" ]; then
		ok
	else
		cat "$tmp/mklab.log"
		bad "$name: scripts/mklab"
		continue
	fi

	# no solution of this lab or a later one in the student folder (a toyos
	# lab's folder holds toyos, which carries the labs' solutions)
	leak=
	for other in "$root"/labs/[0-9][0-9]-*/; do
		other=${other%/}
		[[ "$(basename "$other")" < "$name" ]] && continue
		for f in $(student_files "$other"); do
			grep -qs 'BEGIN SOLUTION' "$out/student/$f" && leak="$leak $f"
		done
	done
	if [ -z "$leak" ]; then ok; else bad "$name: student/ holds solutions:$leak"; fi

	# reference
	mkdir -p "$tmp/ref-$name"
	for f in $files; do cp "$lab/$f" "$tmp/ref-$name/"; done
	grade "$lab" "$tmp/ref-$name" "$tmp/ref.txt"
	rc=$?
	s=$(score_of "$tmp/ref.txt")
	if [ $rc -eq 0 ] && [ -n "$s" ] && [ "${s%/*}" = "${s#*/}" ]; then
		ok
	else
		tail -30 "$tmp/ref.txt"
		bad "$name: the reference solution scores '$s' (status $rc), not full marks"
	fi
	full=${s#*/}

	# starter
	mkdir -p "$tmp/start-$name"
	for f in $files; do cp "$out/student/$f" "$tmp/start-$name/"; done
	grade "$lab" "$tmp/start-$name" "$tmp/start.txt"
	rc=$?
	s=$(score_of "$tmp/start.txt")
	# failed tests in the table, and the reports under "FAIL NAME (seed N)"
	nfail=$(grep -cE '^  .*[0-9]+/[0-9]+  FAIL$' "$tmp/start.txt")
	nrep=$(awk '/^FAIL .* \(seed [0-9]+\)$/ { h = 1; next }
		    h && /^    [^ ]/ && !/^    replay:/ { n++ } { h = 0 } END { print n + 0 }' "$tmp/start.txt")
	if [ $rc -ne 0 ] || [ -z "$s" ] || [ "${s%/*}" -ge "${s#*/}" ]; then
		tail -30 "$tmp/start.txt"
		bad "$name: the starter scores '$s' (status $rc): want less than full marks, status 0"
	elif grep -qE '^  .* build  FAILED$' "$tmp/start.txt"; then
		grep -A5 'build' "$tmp/start.txt" | head -20
		bad "$name: the starter does not build"
	elif [ "$nfail" -eq 0 ] || [ "$nrep" -ne "$nfail" ]; then
		cat "$tmp/start.txt"
		bad "$name: $nfail failed tests but $nrep failure reports with a message"
	else
		ok
	fi
	echo "$name: reference $full/$full, starter $s"

	# wrong solutions
	nwrong=0
	for w in "$lab"/wrong/*/; do
		[ -f "$w/EXPECT" ] || continue
		w=${w%/}
		wn=$(basename "$w")
		nwrong=$((nwrong + 1))
		sub=$tmp/wrong-$name-$wn
		mkdir -p "$sub"
		for f in $files; do cp "$lab/$f" "$sub/"; done
		# FILE: replaces the reference's; FILE.diff: a patch to it
		msg=
		while IFS= read -r f; do
			f=${f#./}
			if [[ "$f" == *.diff ]]; then
				patch -s --no-backup-if-mismatch "$sub/${f%.diff}" <"$w/$f" >"$tmp/patch.log" 2>&1 ||
					msg="$f does not apply: $(head -3 "$tmp/patch.log")"
			else
				mkdir -p "$sub/$(dirname "$f")"
				cp "$w/$f" "$sub/$f"
			fi
		done < <(cd "$w" && find . -type f ! -name EXPECT)
		grade "$lab" "$sub" "$tmp/wrong.txt"
		rc=$?
		s=$(score_of "$tmp/wrong.txt")
		want=$(sed -n 's/^score \([0-9]*\/[0-9]*\)$/\1/p' "$w/EXPECT")
		[ $rc -eq 0 ] || msg="$msg status $rc"
		[ "$s" = "$want" ] || msg="$msg score '$s', EXPECT says '$want'"
		while IFS= read -r t; do
			grep -qxF "FAIL $t (seed 1)" "$tmp/wrong.txt" || msg="$msg; '$t' did not fail"
		done < <(sed -n 's/^fail //p' "$w/EXPECT")
		if [ -z "$msg" ]; then
			ok
		else
			tail -40 "$tmp/wrong.txt"
			bad "$name: wrong/$wn: $msg"
		fi
	done
	if [ "$nwrong" -lt 3 ]; then bad "$name: $nwrong wrong/ solutions, want at least 3"; else ok; fi

	# the handout's examples, in the student folder with the reference in it
	if [ -f "$lab/README.md" ]; then
		hw=$tmp/handout-$name
		cp -R "$out/student" "$hw"
		for f in $files; do cp "$lab/$f" "$hw/"; done
		[ -d "$out/os" ] && ln -s "$out/os" "$tmp/os"
		bash "$root/tests/docs/examples.sh" "$hw" "$root" "labs/$name/README.md" >"$tmp/ex" 2>&1
		rm -f "$tmp/os"
		last=$(tail -1 "$tmp/ex")
		if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]] && [ "${BASH_REMATCH[2]}" -eq 0 ] &&
			[ "${BASH_REMATCH[1]}" -gt 0 ]; then
			ok
		else
			cat "$tmp/ex"
			bad "$name: README.md's examples"
		fi
	else
		bad "$name: no README.md"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
