#!/usr/bin/env bash
# bundles.sh VMLAB DIR -- part of tests/grade/run.sh: make both platform
# bundles of the sample lab and run them against fake root folders (the
# platforms' layouts under DIR), as the platforms would; check the
# results.json they write, also when vmlab itself fails.  Prints one
# "ok: WHAT" or "FAIL: WHAT" line per check.
set -u
VMLAB=$1
D=$2
G=tests/grade
mkdir -p "$D"
chmod 711 "$D"
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; }
have_py=0
python3 -c 'import json' 2>/dev/null && have_py=1
check() {
	[ $have_py = 1 ] || return 0
	if out=$(python3 $G/check_formats.py "$@" 2>&1); then ok "$1 $2"; else bad "$2: $out"; fi
}
unzip_to() { # ZIP DIR
	mkdir -p "$2"
	if command -v unzip >/dev/null; then
		unzip -q "$1" -d "$2"
	else
		python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"
	fi
}

# ---- Gradescope: /autograder/{source,submission,results} ----------------
if ! command -v zip >/dev/null; then
	bad "zip is not installed (scripts/install-deps.sh installs it)"
elif "$VMLAB" grade --bundle gradescope $G/lab -o "$D/lab.zip" 2>"$D/err"; then
	ok "gradescope bundle made"
	root=$D/gs/autograder
	unzip_to "$D/lab.zip" "$root/source"
	for f in setup.sh run_autograder lab/grade.lua os/toyos.s vmlab/Makefile vmlab/sim/machine.h; do
		[ -f "$root/source/$f" ] && ok "zip has $f" || bad "zip lacks $f at its root"
	done
	[ -x "$root/source/run_autograder" ] && ok "run_autograder executable" || bad "run_autograder not executable"
	bash -n "$root/source/setup.sh" && ok "setup.sh parses" || bad "setup.sh is not valid bash"
	cp -r $G/subs/partial "$root/submission"
	(cd "$root" && AUTOGRADER_ROOT=$root VMLAB=$VMLAB bash source/run_autograder >"$D/gs.out" 2>&1)
	check gradescope "$root/results/results.json" 5 8 "sum wraps around"
	# vmlab fails: a results.json all the same, score 0, valid JSON
	rm -rf "$root/results"
	(cd "$root" && AUTOGRADER_ROOT=$root VMLAB=/bin/false bash source/run_autograder >/dev/null 2>&1)
	check gradescope "$root/results/results.json" 0 0
	grep -q 'The autograder failed' "$root/results/results.json" && ok "failure said" || bad "no failure message"
else
	bad "gradescope bundle: $(cat "$D/err")"
fi

# ---- PrairieLearn: /grade/{tests,student,results} ------------------------
if "$VMLAB" grade --bundle prairielearn $G/lab -o "$D/pl" 2>"$D/err"; then
	ok "prairielearn bundle made"
	for f in tests/run.sh tests/lab/grade.lua tests/os/toyos.s Dockerfile info-snippet.json vmlab/Makefile; do
		[ -f "$D/pl/$f" ] && ok "folder has $f" || bad "folder lacks $f"
	done
	if [ $have_py = 1 ]; then
		python3 -c 'import json, sys; o = json.load(open(sys.argv[1]))["externalGradingOptions"]
assert o["entrypoint"] == "/grade/tests/run.sh" and o["timeout"] <= 600' "$D/pl/info-snippet.json" &&
			ok "info-snippet.json" || bad "info-snippet.json"
	fi
	root=$D/plroot/grade
	mkdir -p "$root"
	cp -r "$D/pl/tests" "$root/tests"
	cp -r $G/subs/partial "$root/student"
	GRADE_ROOT=$root VMLAB=$VMLAB bash "$root/tests/run.sh" >"$D/pl.out" 2>&1
	check prairielearn "$root/results/results.json" 0.625
	rm -rf "$root/student" && cp -r $G/subs/nobuild "$root/student" && rm -rf "$root/results"
	GRADE_ROOT=$root VMLAB=$VMLAB bash "$root/tests/run.sh" >"$D/pl.out" 2>&1
	check prairielearn "$root/results/results.json" nogradable
	rm -rf "$root/results"
	GRADE_ROOT=$root VMLAB=/bin/false bash "$root/tests/run.sh" >/dev/null 2>&1
	check prairielearn "$root/results/results.json" nogradable
else
	bad "prairielearn bundle: $(cat "$D/err")"
fi
"$VMLAB" grade --bundle moodle $G/lab -o "$D/x" 2>/dev/null
[ $? -eq 2 ] && ok "unknown bundle kind refused" || bad "unknown bundle kind not refused"
