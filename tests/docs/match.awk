# match.awk -- does the output printed (second file) match an example's
# expected output (first file)?  Exit 0 if it does, 1 (with the first
# line that differs) if not.
#
#   a line "..."           any number of lines, none included
#   "..." within a line    any text
#   "  <- NOTE" at the end a reader's note, not output (two spaces first)
# Trailing blanks and blank lines at either end do not count.
function trim(s) { sub(/[ \t]+$/, "", s); return s }

FNR == NR {
	line = $0
	sub(/  +<- .*$/, "", line)
	want[++nw] = trim(line)
	next
}
{ got[++ng] = trim($0) }

function linematch(w, g,   parts, k, i, pos, p) {
	if (index(w, "...") == 0)
		return w == g
	k = split(w, parts, /\.\.\./)
	if (substr(g, 1, length(parts[1])) != parts[1])
		return 0
	pos = length(parts[1]) + 1
	for (i = 2; i < k; i++) {
		p = index(substr(g, pos), parts[i])
		if (p == 0)
			return 0
		pos += p - 1 + length(parts[i])
	}
	return length(g) - pos + 1 >= length(parts[k]) &&
	       substr(g, length(g) - length(parts[k]) + 1) == parts[k]
}

function m(i, j,   k) {
	if (i > nw)
		return j > ng
	if (want[i] == "...") {
		for (k = j; k <= ng + 1; k++)
			if (m(i + 1, k))
				return 1
		return 0
	}
	if (j > ng || !linematch(want[i], got[j])) {
		if (j > far) { far = j; farw = i }
		return 0
	}
	return m(i + 1, j + 1)
}

END {
	while (nw > 0 && want[nw] == "") nw--
	while (ng > 0 && got[ng] == "") ng--
	first = 1
	while (first <= nw && want[first] == "") first++
	for (i = first; i <= nw; i++) want[i - first + 1] = want[i]
	nw -= first - 1
	if (m(1, 1))
		exit 0
	printf "  expected: %s\n  printed:  %s\n", (farw ? want[farw] : "(end)"),
	       (far <= ng && far ? got[far] : "(end)")
	exit 1
}
