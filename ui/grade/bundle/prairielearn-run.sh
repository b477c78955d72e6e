#!/usr/bin/env bash
# run.sh -- made by `vmlab grade --bundle prairielearn`: the external
# grader's entrypoint (/grade/tests/run.sh).  vmlab grades /grade/student
# with the lab in /grade/tests/lab; student programs run as `nobody`.
# It always writes /grade/results/results.json; when vmlab could not
# grade, the submission is marked not gradable (no attempt is used).
# GRADE_ROOT and VMLAB change the paths (for testing the bundle).
ROOT=${GRADE_ROOT:-/grade}
VMLAB=${VMLAB:-vmlab}
RESULTS=$ROOT/results
mkdir -p "$RESULTS"
chmod -R go-rwx "$ROOT/tests" "$RESULTS" 2>/dev/null
runas=()
[ "$(id -u)" = 0 ] && runas=(--run-as nobody)
"$VMLAB" grade "${runas[@]}" --format prairielearn --out "$RESULTS/results.json" \
	"$ROOT/tests/lab" "$ROOT/student" 2>"$RESULTS/vmlab.err"
status=$?
if [ "$status" -ne 0 ] || [ ! -s "$RESULTS/results.json" ]; then
	reason=$(head -c 2000 "$RESULTS/vmlab.err" | tr -d '"\\' | tr -c '[:print:]\n' ' ' |
		sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g')
	printf '{"gradable": false, "format_errors": ["The grader failed (vmlab grade, status %d): %s"], "message": "The grader failed; no attempt was used."}\n' \
		"$status" "$reason" >"$RESULTS/results.json"
fi
cat "$RESULTS/vmlab.err"
exit 0
