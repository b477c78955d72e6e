# lab-strip.awk -- turn a reference solution file into the student's starter
# (docs/teaching.md, "Writing a new lab"; used by scripts/mklab).
#
#   awk -f scripts/lab-strip.awk FILE > STARTER
#
# A region
#
#       # BEGIN SOLUTION TODO: what the student writes here
#       ...reference code...
#       # END SOLUTION
#
# becomes the one line "<indent><comment> TODO: what the student writes here"
# (plain "TODO" when the BEGIN line has no TODO: text).  The comment may be
# #, ;, //, -- or /* ... */ (then the line keeps its closing */).  Markers do
# not nest; a marker out of place is "FILE:LINE: error: ..." on standard
# error and exit status 1, so a broken lab never ships half-stripped.

function fail(msg) {
	printf "%s:%d: error: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
	exit 1
}

BEGIN { marker = "^[ \t]*(#|;|//|--|/\\*)[ \t]*" }

$0 ~ (marker "BEGIN SOLUTION") {
	if (inside)
		fail("BEGIN SOLUTION inside the solution opened at line " open " (markers do not nest)")
	inside = 1
	open = FNR
	match($0, /^[ \t]*/)
	indent = substr($0, 1, RLENGTH)
	rest = substr($0, RLENGTH + 1)
	match(rest, /^(#|;|\/\/|--|\/\*)/)
	prefix = substr(rest, 1, RLENGTH)
	todo = "TODO"
	if (match(rest, /BEGIN SOLUTION[ \t]+TODO:/)) {
		text = substr(rest, RSTART + RLENGTH)
		sub(/[ \t]*\*\/[ \t]*$/, "", text)
		sub(/^[ \t]+/, "", text)
		sub(/[ \t]+$/, "", text)
		if (text != "")
			todo = "TODO: " text
	} else if (rest !~ /BEGIN SOLUTION[ \t]*(\*\/)?[ \t]*$/)
		fail("text after BEGIN SOLUTION must be 'TODO: ...'")
	print indent prefix " " todo (prefix == "/*" ? " */" : "")
	next
}

$0 ~ (marker "END SOLUTION") {
	if (!inside)
		fail("END SOLUTION without a BEGIN SOLUTION before it")
	inside = 0
	next
}

/(BEGIN|END) SOLUTION/ {
	fail("a solution marker must start its line with a comment (#, ;, //, -- or /*)")
}

!inside { print }

END {
	if (!bad && inside) {
		FNR = open
		fail("BEGIN SOLUTION is never closed by an END SOLUTION")
	}
}
