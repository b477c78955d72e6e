#!/usr/bin/env bash
# bench-lua.sh -- the cost of Lua scripting (issue 9): `vmlab bench --lua`
# (ui/cli/bench_lua.c) measures, best of N runs, a machine's loop with no
# handler, with an `insn` handler that counts (calls per second, target
# >= 2 M), and a guest whose loop is one mtcr exit under the monitor's C
# emulation and under a Lua policy, mon:handle (exits per second, target
# >= 1 M).  A benchmark, not a test: compare ratios within one run.
#
#   scripts/bench-lua.sh [build/vmlab] [N]    N: best of N runs (default 3)
set -eu
VMLAB=${1:-build/vmlab}
"$VMLAB" bench --lua --repeat "${2:-3}"
