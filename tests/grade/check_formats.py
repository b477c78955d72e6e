#!/usr/bin/env python3
"""check_formats.py -- read back what `vmlab grade` wrote, field by field.

    check_formats.py tap FILE BUILDS TESTS FAILED SKIPPED
    check_formats.py junit FILE TESTS FAILURES ERRORS SKIPPED LAB
    check_formats.py gradescope FILE SCORE MAX HIDDEN_NAME
    check_formats.py prairielearn FILE SCORE|nogradable
    check_formats.py summary DIR COUNT

Each prints what is wrong and exits 1, or exits 0.  TAP is parsed as TAP
14 says (version, plan, points, YAML blocks, 4-space subtests); the JSON
files are checked against the fields docs/grading.md documents.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print("check_formats: " + msg)
    sys.exit(1)


def parse_tap(lines, indent, counts):
    """Parse one TAP document at this indentation; return the points."""
    plan, points, i = None, [], 0
    closes_subtest = False  # the next point is a subtest's own
    pre = " " * indent
    while i < len(lines):
        line = lines[i]
        if not line.startswith(pre) and line.strip():
            break
        body = line[indent:]
        if re.match(r"^1\.\.(\d+)$", body):
            if plan is not None:
                fail("two plans at indent %d" % indent)
            plan = int(body[3:])
            i += 1
        elif body.startswith("# Subtest: "):
            sub_start = i + 1
            j = sub_start
            while j < len(lines) and (lines[j].startswith(pre + "    ") or not lines[j].strip()):
                j += 1
            parse_tap(lines[sub_start:j], indent + 4, counts)
            closes_subtest = True
            i = j
        else:
            m = re.match(r"^(not ok|ok) (\d+) - (.*)$", body)
            if not m:
                fail("not a TAP line at indent %d: %r" % (indent, line))
            ok, num, desc = m.group(1) == "ok", int(m.group(2)), m.group(3)
            if num != len(points) + 1:
                fail("test point %d out of order" % num)
            skip = re.search(r" # SKIP", desc) is not None
            points.append((ok, desc, skip))
            i += 1
            if i < len(lines) and lines[i] == pre + "  ---":
                j = i + 1
                while j < len(lines) and lines[j] != pre + "  ...":
                    if not lines[j].startswith(pre + "  "):
                        fail("YAML block not indented: %r" % lines[j])
                    kv = lines[j][indent + 2:]
                    m2 = re.match(r'^ *[a-z_]+: (.*)$', kv) or re.match(r'^ *[a-z_]+:$', kv)
                    if not m2:
                        fail("not YAML: %r" % kv)
                    if m2.groups() and m2.group(1).startswith('"'):
                        json.loads(m2.group(1))  # a JSON string is a YAML scalar
                    j += 1
                if j == len(lines):
                    fail("YAML block not closed")
                i = j + 1
            build = indent == 0 and desc.startswith("build ")
            if not closes_subtest and not build:
                counts["tests"] += 1
                counts["failed"] += (not ok)
                counts["skipped"] += skip
            closes_subtest = False
    if plan is None:
        fail("no plan at indent %d" % indent)
    if plan != len(points):
        fail("plan 1..%d but %d points" % (plan, len(points)))
    return points


def tap(path, builds, tests, failed, skipped):
    lines = open(path, encoding="utf-8").read().split("\n")
    if lines[0] != "TAP version 14":
        fail("first line is not 'TAP version 14'")
    if lines[-1] != "":
        fail("no newline at the end")
    counts = {"tests": 0, "failed": 0, "skipped": 0}
    top = parse_tap(lines[1:-1], 0, counts)
    b = [p for p in top if p[1].startswith("build ")]
    if len(b) != builds:
        fail("%d build points, want %d" % (len(b), builds))
    want = (tests, failed, skipped)
    got = (counts["tests"], counts["failed"], counts["skipped"])
    if got != want:
        fail("tests/failed/skipped %s, want %s" % (got, want))


def junit(path, tests, failures, errors, skipped, lab):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        fail("root is not <testsuites>")
    for k, v in (("tests", tests), ("failures", failures), ("errors", errors),
                 ("skipped", skipped)):
        if int(root.get(k)) != v:
            fail("testsuites %s=%s, want %d" % (k, root.get(k), v))
    names, n = set(), 0
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        if int(suite.get("tests")) != len(cases):
            fail("suite %s counts %s tests, has %d" % (suite.get("name"), suite.get("tests"),
                                                       len(cases)))
        nf = sum(1 for c in cases if c.find("failure") is not None)
        if int(suite.get("failures")) != nf:
            fail("suite %s failures attribute is wrong" % suite.get("name"))
        for c in cases:
            n += 1
            if not c.get("classname", "").startswith(lab + "/"):
                fail("classname %r is not LAB/GROUP" % c.get("classname"))
            if c.get("name") in names:
                fail("two test cases named %r" % c.get("name"))
            names.add(c.get("name"))
            float(c.get("time"))
            f = c.find("failure")
            if f is not None and not (f.text or "").strip():
                fail("failure of %r has no body" % c.get("name"))
    if n != tests:
        fail("%d test cases, want %d" % (n, tests))


def gradescope(path, score, max_score, hidden):
    d = json.load(open(path, encoding="utf-8"))
    for k, t in (("score", (int, float)), ("execution_time", (int, float)),
                 ("output", str), ("tests", list)):
        if not isinstance(d.get(k), t):
            fail("top-level %s missing or of the wrong type" % k)
    total = maxs = 0
    seen_hidden = False
    for t in d["tests"]:
        for k, ty in (("name", str), ("number", str), ("score", (int, float)),
                      ("max_score", (int, float)), ("status", str), ("output", str),
                      ("visibility", str)):
            if not isinstance(t.get(k), ty):
                fail("test %r: %s missing or of the wrong type" % (t.get("name"), k))
        if t["status"] not in ("passed", "failed"):
            fail("test %r: status %r" % (t["name"], t["status"]))
        if t["visibility"] not in ("visible", "hidden", "after_due_date", "after_published"):
            fail("test %r: visibility %r" % (t["name"], t["visibility"]))
        if (t["status"] == "passed") != (t["score"] == t["max_score"]) and t["max_score"] > 0:
            fail("test %r: status and score disagree" % t["name"])
        if not re.match(r"^\d+\.\d+$", t["number"]):
            fail("test %r: number %r" % (t["name"], t["number"]))
        if t["name"] == hidden:
            seen_hidden = t["visibility"] == "hidden"
        total += t["score"]
        maxs += t["max_score"]
    if abs(total - d["score"]) > 1e-9:
        fail("score %s is not the sum of the tests' %s" % (d["score"], total))
    if abs(d["score"] - score) > 1e-9 or abs(maxs - max_score) > 1e-9:
        fail("score %s/%s, want %s/%s" % (d["score"], maxs, score, max_score))
    if hidden and not seen_hidden:
        fail("test %r is not hidden" % hidden)


def prairielearn(path, want):
    d = json.load(open(path, encoding="utf-8"))
    if want == "nogradable":
        if d.get("gradable") is not False:
            fail("gradable is not false")
        fe = d.get("format_errors")
        if not isinstance(fe, list) or not fe or not all(isinstance(e, str) for e in fe):
            fail("format_errors must be a non-empty list of strings")
        if "score" in d:
            fail("a score with gradable false")
        return
    if d.get("gradable") is not True:
        fail("gradable is not true")
    s = d.get("score")
    if not isinstance(s, (int, float)) or not 0 <= s <= 1:
        fail("score %r not in [0, 1]" % s)
    if abs(s - float(want)) > 1e-4:
        fail("score %s, want %s" % (s, want))
    pts = mx = 0
    for t in d["tests"]:
        for k, ty in (("name", str), ("points", (int, float)), ("max_points", (int, float)),
                      ("message", str), ("output", str)):
            if not isinstance(t.get(k), ty):
                fail("test %r: %s missing or of the wrong type" % (t.get("name"), k))
        pts += t["points"]
        mx += t["max_points"]
    if mx and abs(pts / mx - s) > 1e-4:
        fail("score is not points/max_points")


def summary(path, count):
    d = json.load(open(path + "/summary.json", encoding="utf-8"))
    if d.get("count") != count or len(d.get("submissions", [])) != count:
        fail("summary.json counts %r, want %d" % (d.get("count"), count))
    names = [s["name"] for s in d["submissions"]]
    if names != sorted(names):
        fail("summary.json not in name order")
    rows = open(path + "/summary.csv", encoding="utf-8").read().strip().split("\n")
    if rows[0].split(",")[:3] != ["submission", "score", "max_score"] or len(rows) != count + 1:
        fail("summary.csv header or row count")
    for s, row in zip(d["submissions"], rows[1:]):
        cells = row.split(",")
        if cells[0] != s["name"] or float(cells[1]) != s["score"]:
            fail("summary.csv and summary.json disagree on %s" % s["name"])


def main(argv):
    kind = argv[1]
    if kind == "tap":
        tap(argv[2], *map(int, argv[3:7]))
    elif kind == "junit":
        junit(argv[2], *map(int, argv[3:7]), argv[7])
    elif kind == "gradescope":
        gradescope(argv[2], float(argv[3]), float(argv[4]), argv[5] if len(argv) > 5 else "")
    elif kind == "prairielearn":
        prairielearn(argv[2], argv[3])
    elif kind == "summary":
        summary(argv[2], int(argv[3]))
    else:
        fail("unknown kind " + kind)


if __name__ == "__main__":
    main(sys.argv)
