# examples.awk -- find the checkable examples in one markdown file.
#
# Input: the markdown file (FILENAME names it in messages).  Output, one
# record per line, tab-separated, for tests/docs/run.sh:
#
#   CASE  <id> <kind> <args>   a new example: kind console or debug
#   CMD   <id> <command>       console: a command to run ($ lines)
#   OUT   <id> <line>          the output expected (debug: the transcript)
#   SAVE  <name> <line>        a line of a file to create before the cases
#   SKIP  <where> <reason>     a block marked as not runnable, and why
#   NOTE  <where> <what>       a block that looks like an example but has no
#                              marker (listed, not failed)
#
# Markers are HTML comments on the line before a fenced block:
#   <!-- doctest: save NAME -->     the block is the file NAME
#   <!-- doctest: skip REASON -->   not run, REASON listed
#   <!-- doctest: debug ARGS -->    a `vmlab debug ARGS` batch transcript;
#                                   "ARGS ;; CMD ;; CMD" runs CMDs first, unseen
#   <!-- doctest: debug-continue --> the same session as the debug block
#                                   before, going on after its commands
# and a block fenced as ```console is a shell session: "$ COMMAND" lines,
# each followed by the output it must print.
BEGIN { OFS = "\t"; n = 0 }

function where() { return FILENAME ":" start }

/^<!-- doctest: .* -->[ \t]*$/ {
	marker = $0
	sub(/^<!-- doctest: /, "", marker)
	sub(/ -->[ \t]*$/, "", marker)
	next
}

/^```/ {
	if (!infence) {
		infence = 1
		lang = substr($0, 4)
		start = FNR
		nl = 0
		next
	}
	infence = 0
	flush()
	marker = ""
	next
}

infence { body[++nl] = $0; next }

# a marker applies to the very next block only
/[^ \t]/ { if (marker != "" && $0 !~ /^<!--/) marker = "" }

function flush(   i, id, kind, args, looks) {
	looks = 0
	for (i = 1; i <= nl; i++)
		if (body[i] ~ /^\$ / || body[i] ~ /^\(vmlab\) /)
			looks = 1
	if (marker ~ /^save /) {
		args = substr(marker, 6)
		for (i = 1; i <= nl; i++)
			print "SAVE", args, body[i]
		return
	}
	if (marker ~ /^skip/) {
		print "SKIP", where(), substr(marker, 6)
		return
	}
	if (marker ~ /^debug/) {
		id = where()
		# debug-continue: the session of the debug block before goes on
		args = marker == "debug-continue" ? chain : substr(marker, 7)
		print "CASE", id, "debug", args
		chain = args
		for (i = 1; i <= nl; i++) {
			print "OUT", id, body[i]
			if (body[i] ~ /^\(vmlab\) /)
				chain = chain " ;; " substr(body[i], 9)
		}
		return
	}
	if (lang == "console") {
		id = where()
		print "CASE", id, "console", ""
		for (i = 1; i <= nl; i++) {
			if (body[i] ~ /^\$ /)
				print "CMD", id, substr(body[i], 3)
			else
				print "OUT", id, body[i]
		}
		return
	}
	if (looks)
		print "NOTE", where(), "looks like an example with output but has no doctest marker"
}
