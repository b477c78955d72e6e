#!/usr/bin/env bash
# tests/asm: the assembler and disassembler through the command line.
#
#   errors/NAME.s    a program with errors; errors/NAME.err is the exact
#                    stderr of `vmlab asm NAME.s`.  The exit status must be
#                    1 and no image may be written.
#   warnings/NAME.s  a program that assembles with warnings: status 0, an
#                    image written, warnings/NAME.err the exact stderr.
#   golden/prog.s    assembled with -l (golden/prog.lst is the listing) and
#                    disassembled (golden/prog.disasm); readelf and nm, when
#                    installed, must accept the image without a complaint.
#   and the options: --help, bad options, bad images; and the places in the
#   assembler's sources that point into docs/ must exist.
#
# UPDATE=1 bash tests/asm/run.sh rewrites the golden files from the
# current output (then read the diff before committing it).
# The last line is "N passed, M failed"; the status is non-zero on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
VMLAB=${VMLAB:-build/vmlab}
case $VMLAB in /*) ;; *) VMLAB=$root/$VMLAB ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# same FILE GOLDEN NAME: FILE equals GOLDEN (or becomes it under UPDATE=1)
same() {
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$1" "$2"
	fi
	if diff -u "$2" "$1" >"$tmp/diff"; then
		pass
	else
		fail "$3"
		head -40 "$tmp/diff"
	fi
}

if [ ! -x "$VMLAB" ]; then
	echo "no $VMLAB (build it first)"
	echo "0 passed, 1 failed"
	exit 1
fi

# diagnosed DIR STATUS: every DIR/NAME.s assembles with exit status STATUS
# and exactly DIR/NAME.err on stderr, nothing on stdout; an image is
# written only when STATUS is 0.
diagnosed() {
	local dir=$1 want=$2 src name
	cd "$here/$dir" || exit 1
	for src in *.s; do
		name=${src%.s}
		mkdir -p "$tmp/out"
		"$VMLAB" asm "$src" -o "$tmp/out/$name.elf" >"$tmp/stdout" 2>"$tmp/stderr"
		local rc=$? written
		written=$(ls -A "$tmp/out")
		if [ $rc -ne "$want" ]; then
			fail "$dir/$src: exit status $rc, expected $want"
			cat "$tmp/stderr"
		elif [ "$want" -ne 0 ] && [ -n "$written" ]; then
			fail "$dir/$src: files written despite errors: $written"
		elif [ "$want" -eq 0 ] && [ "$written" != "$name.elf" ]; then
			fail "$dir/$src: no image written (or more: $written)"
		elif [ -s "$tmp/stdout" ]; then
			fail "$dir/$src: wrote to stdout"
		else
			same "$tmp/stderr" "$name.err" "$dir/$src: stderr differs from $name.err"
		fi
		rm -rf "$tmp/out"
	done
}
# ---- every error message: status 1, nothing written ----
diagnosed errors 1
# ---- warnings: status 0, the image written ----
diagnosed warnings 0

# ---- the golden program ----
cd "$here/golden" || exit 1
if "$VMLAB" asm prog.s -l -o "$tmp/prog.elf" >"$tmp/prog.lst" 2>"$tmp/stderr" && [ ! -s "$tmp/stderr" ]; then
	pass
	same "$tmp/prog.lst" prog.lst "listing differs from golden/prog.lst"
	(cd "$tmp" && "$VMLAB" disasm --lines prog.elf) >"$tmp/prog.disasm" 2>&1
	same "$tmp/prog.disasm" prog.disasm "disassembly differs from golden/prog.disasm"
	if command -v readelf >/dev/null; then
		if readelf -a "$tmp/prog.elf" >"$tmp/readelf" 2>"$tmp/readelf.err" && [ ! -s "$tmp/readelf.err" ] &&
			grep -q 'Machine:.*0x564d' "$tmp/readelf" && grep -q ' _start$' "$tmp/readelf"; then
			pass
		else
			fail "readelf -a complains about the image"
			cat "$tmp/readelf.err"
		fi
	else
		echo "skip: no readelf"
	fi
	if command -v nm >/dev/null; then
		if nm "$tmp/prog.elf" >"$tmp/nm" 2>"$tmp/nm.err" && [ ! -s "$tmp/nm.err" ] &&
			grep -q '^00001000 T _start$' "$tmp/nm" && grep -q '^00002004 d table$' "$tmp/nm"; then
			pass
		else
			fail "nm does not list the image's symbols"
			cat "$tmp/nm" "$tmp/nm.err"
		fi
	else
		echo "skip: no nm"
	fi
else
	fail "golden/prog.s does not assemble"
	cat "$tmp/stderr"
fi

# default output name: FILE.s -> FILE.elf beside it
cp prog.s devices.inc "$tmp/"
if (cd "$tmp" && "$VMLAB" asm prog.s) && [ -f "$tmp/prog.elf" ] && [ -z "$(ls "$tmp" | grep tmp)" ]; then
	pass
else
	fail "vmlab asm prog.s did not write prog.elf (or left a temporary file)"
fi

# ---- options and bad input ----
# expect STATUS STDERR-PATTERN COMMAND...: status, and one stderr line matching
expect() {
	local want=$1 pattern=$2
	shift 2
	"$@" >"$tmp/stdout" 2>"$tmp/stderr"
	local rc=$?
	if [ $rc -ne "$want" ]; then
		fail "$*: exit status $rc, expected $want"
	elif [ -n "$pattern" ] && { [ "$(wc -l <"$tmp/stderr")" -ne 1 ] || ! grep -qE "$pattern" "$tmp/stderr"; }; then
		fail "$*: stderr is not one line matching '$pattern':"
		cat "$tmp/stderr"
	else
		pass
	fi
}
cd "$tmp" || exit 1
for cmd in asm disasm isa; do
	expect 0 "" "$VMLAB" "$cmd" --help
	grep -q "^usage: vmlab $cmd" "$tmp/stdout" || fail "vmlab $cmd --help: no usage line"
	expect 2 "^vmlab $cmd: unknown option '--bogus'" "$VMLAB" "$cmd" --bogus
done
expect 2 "^vmlab asm: no source file given" "$VMLAB" asm
expect 2 "^vmlab asm: more than one source file" "$VMLAB" asm a.s b.s
expect 2 "^vmlab asm: option '--output' needs a value" "$VMLAB" asm prog.s --output
expect 1 "^missing.s: error: cannot read file: No such file or directory$" "$VMLAB" asm missing.s
expect 2 "^vmlab disasm: no image given" "$VMLAB" disasm
echo "just text" >notelf.elf
expect 2 "^vmlab disasm: notelf.elf: not an ELF file$" "$VMLAB" disasm notelf.elf
expect 2 "^vmlab disasm: missing.elf: No such file or directory$" "$VMLAB" disasm missing.elf
expect 2 "^vmlab disasm: /bin/sh: not a vmlab image \(e_machine 0x" "$VMLAB" disasm /bin/sh
head -c 100 prog.elf >short.elf
expect 2 "^vmlab disasm: short.elf: " "$VMLAB" disasm short.elf
expect 2 "^vmlab isa: unexpected argument 'x'" "$VMLAB" isa x

# vmlab disasm FILE.s assembles it first, with -I as for vmlab asm
mkdir -p "$tmp/inc"
printf '\t.equ\tANSWER, 42\n' >"$tmp/inc/answer.inc"
printf '\t.include "answer.inc"\n_start:\tli\ta0, ANSWER\n' >"$tmp/uses_inc.s"
expect 1 "" "$VMLAB" disasm uses_inc.s
grep -q "cannot open include file 'answer.inc'" "$tmp/stderr" || fail "disasm without -I: no include error"
for opt in -I --include; do
	expect 0 "" "$VMLAB" disasm "$opt" inc uses_inc.s
	grep -q '^00001000 <_start>:' "$tmp/stdout" && grep -q 'addi r1, r0, 42' "$tmp/stdout" ||
		fail "vmlab disasm $opt inc uses_inc.s: wrong output"
done
expect 2 "^vmlab disasm: option '--include' needs a value" "$VMLAB" disasm uses_inc.s --include

# the assembler's sources point into docs/: the file, its "Heading" or its
# section N must exist
cd "$root" || exit 1
refs=$(grep -ohE 'docs/[a-z_]+\.md(, ("[^"]+"|section [0-9]+))?' sim/asm/asm*.[ch] ui/cli/asm_front.c ui/cli/cmd_asm.c | sort -u)
while IFS= read -r ref; do
	[ -n "$ref" ] || continue
	doc=${ref%%,*}
	what=${ref#"$doc"}
	what=${what#, }
	if [ ! -f "$doc" ]; then
		fail "the sources point to $doc, which does not exist"
	elif [[ $what == section* ]] && ! grep -qE "^## ${what#section }\. " "$doc"; then
		fail "the sources point to $ref, which does not exist"
	elif [[ $what == \"* ]] && ! grep -qE "^#+ ${what//\"/}\$" "$doc"; then
		fail "the sources point to $ref, which does not exist"
	else
		pass
	fi
done <<<"$refs"

# vmlab isa: one row per instruction
if "$VMLAB" isa >"$tmp/isa" && grep -q '^add rd, rs1, rs2 ' "$tmp/isa" && grep -q '^halt ' "$tmp/isa"; then
	pass
else
	fail "vmlab isa: table lacks add or halt"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
