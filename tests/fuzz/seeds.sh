#!/usr/bin/env bash
# Write the seeds of fuzz_ckpt (checkpoints of ckpt_prog.s at several
# points of its run, on the fuzz target's machine: 1 MiB of RAM) with
# vmlab debug.  Run after changing the checkpoint format or ckpt_prog.
#   bash tests/fuzz/seeds.sh [build/vmlab]
set -eu
VMLAB=${1:-build/vmlab}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/corpus/ckpt
mkdir -p "$out"
# the program text must be the one the target assembles
diff <(sed -n 's/^\t"\(.*\)\\n";\?$/\1/p' "$here/ckpt_prog.h") <(grep -v '^#' "$here/ckpt_prog.s")
printf 'save %s/step0.ck\n' "$out" >"$out/.cmd"
"$VMLAB" debug "$here/ckpt_prog.s" --mem 1M -x "$out/.cmd" >/dev/null
for n in 1 50 400 1000 2600 7000; do
	printf 'stepi %s\nsave %s/step%s.ck\n' "$n" "$out" "$n" >"$out/.cmd"
	"$VMLAB" debug "$here/ckpt_prog.s" --mem 1M -x "$out/.cmd" >/dev/null
done
rm -f "$out/.cmd"
ls -l "$out"
