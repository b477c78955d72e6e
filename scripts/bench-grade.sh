#!/usr/bin/env bash
# bench-grade.sh -- how long `vmlab grade` takes for a class: 100
# submissions of the sample lab (tests/grade/lab: two assembly routines,
# a Lua function, a C program compiled with cc), a mix of the four kinds
# in tests/grade/subs (correct, partial, not building, hostile), graded
# --jobs 2.  The target is under 60 s on 2 cores (issue 10).
#
#   bash scripts/bench-grade.sh [N [JOBS]]     (VMLAB=build/vmlab)
#
# Prints the seconds, the submissions per second, and the summary's score
# counts; exits 1 if any submission could not be graded.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
VMLAB=${VMLAB:-$root/build/vmlab}
N=${1:-100}
JOBS=${2:-2}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
chmod 711 "$T"
mkdir -m 1777 "$T/tmp"
export TMPDIR=$T/tmp
kinds=(correct partial nobuild hostile)
for i in $(seq 1 "$N"); do
	k=${kinds[$((i % 4))]}
	mkdir -p "$T/subs"
	cp -r "$root/tests/grade/subs/$k" "$T/subs/$(printf 's%03d-%s' "$i" "$k")"
done
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
start=$(date +%s.%N)
"$VMLAB" grade --jobs "$JOBS" -f gradescope -o "$T/out" "$root/tests/grade/lab" "$T/subs" 2>"$T/log"
rc=$?
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
rate=$(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%.1f", n / s }')
# CPU time of everything it ran (bash's `times`: children's user, system)
times >"$T/times" # in this shell: a pipe's subshell has no children's times
cpu=$(tail -1 "$T/times" | awk '{ split($1, u, "m"); split($2, s, "m");
	printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
echo "bench-grade: $N submissions, --jobs $JOBS, $(nproc) cores: $secs s ($rate per second)"
echo "bench-grade: CPU time $cpu s (user + system); load average before: $load"
echo "bench-grade: scores (out of 8): $(tail -n +2 "$T/out/summary.csv" | cut -d, -f2 |
	sort -n | uniq -c | awk '{ printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1 }')"
[ "$rc" -eq 0 ] || { tail -3 "$T/log"; exit 1; }
