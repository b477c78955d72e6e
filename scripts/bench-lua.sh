#!/usr/bin/env bash
# bench-lua.sh -- the cost of Lua event handlers (issue 9): calls per second
# of an `insn` handler that counts, and, for comparison, the same guest run
# with no handler (which must be as fast as without Lua).  A benchmark, not
# a test: best of --repeat runs; compare ratios within one run.
#
#   scripts/bench-lua.sh [build/vmlab] [N]    N guest instructions (default 20M)
set -eu
VMLAB=${1:-build/vmlab}
N=${2:-20000000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat >"$T/bench.lua" <<'LUA'
local n = tonumber(arg[1])
local src = [[
        .text
_start: li    t0, 0
1:      addi  t0, t0, 1
        j     1b
]]
local function best(f)
	local b = math.huge
	for _ = 1, 3 do
		local t0 = os.clock()
		f()
		b = math.min(b, os.clock() - t0)
	end
	return b
end
local bare = best(function()
	local x = vmlab.machine{source = src}
	assert(x:run{max_insns = n} == "limit")
end)
local calls = 0
local m = n // 10
local hooked = best(function()
	local x = vmlab.machine{source = src}
	calls = 0
	x:on("insn", function(ev) calls = calls + 1 end)
	assert(x:run{max_insns = m} == "limit")
end)
assert(calls == m)
print(("no handler:  %d insns in %.3f s = %.0f M insns/s"):format(n, bare, n / bare / 1e6))
print(("insn handler: %d calls in %.3f s = %.2f M calls/s (target >= 2)"):format(m, hooked,
	m / hooked / 1e6))
LUA
"$VMLAB" script "$T/bench.lua" "$N"
