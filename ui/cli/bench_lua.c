/*
 * bench_lua.c -- `vmlab bench --lua`: what Lua costs (issue 9's targets).
 *
 *   no handler     a machine's counting loop, as without Lua
 *   insn handler   the same loop with an `insn` handler that counts:
 *                  handler calls per second (target >= 2 M)
 *   mtcr, C        a guest kernel whose loop is one mtcr exit per
 *                  iteration, under the monitor's C emulation
 *   mtcr, Lua      the same with mon:handle("mtcr", ...) emulating it in
 *                  Lua: exits per second (target >= 1 M)
 *
 * The measuring is a Lua script run by the embedded interpreter; host
 * time (os.clock) is read only here.  Best of --repeat runs.
 */
#include "ui/cli/bench.h"

#include <stdio.h>

#include "ui/lua/vlua.h"

static const char script[] =
	"local repeat_, n = tonumber(arg[1]), tonumber(arg[2])\n"
	"local function best(f)\n"
	"  local b = math.huge\n"
	"  for _ = 1, repeat_ do\n"
	"    local t0 = os.clock()\n"
	"    f()\n"
	"    b = math.min(b, os.clock() - t0)\n"
	"  end\n"
	"  return math.max(b, 1e-9)\n"
	"end\n"
	"local loop = '_start: li t0, 0\\n1: addi t0, t0, 1\\n j 1b\\n'\n"
	"local bare = best(function()\n"
	"  local x = vmlab.machine{source = loop}\n"
	"  assert(x:run{max_insns = n} == 'limit')\n"
	"end)\n"
	"local m, calls = n // 10, 0\n"
	"local hooked = best(function()\n"
	"  local x = vmlab.machine{source = loop}\n"
	"  calls = 0\n"
	"  x:on('insn', function(ev) calls = calls + 1 end)\n"
	"  assert(x:run{max_insns = m} == 'limit')\n"
	"end)\n"
	"assert(calls == m, 'the handler missed instructions')\n"
	"local kernel = '_start: li t0, 0\\n1: mtcr scratch, t0\\n addi t0, t0, 1\\n j 1b\\n'\n"
	"local e = n // 40\n"
	"local function exits(policy)\n"
	"  local got\n"
	"  local t = best(function()\n"
	"    local mon = vmlab.monitor{variant = 'strict', vms = {{source = kernel, mem = '64K'}}}\n"
	"    if policy then mon:handle('mtcr', policy) end\n"
	"    assert(mon:run{max_insns = 3 * e} == 'limit')\n"
	"    got = mon:stats().exits.mtcr\n"
	"    assert(mon.vms[1].cpu.cr.scratch + 1 >= got, 'the emulation is wrong')\n"
	"  end)\n"
	"  return got, t\n"
	"end\n"
	"local nc, tc = exits(nil)\n"
	"local nl, tl = exits(function(vm, cpu, insn)\n"
	"  cpu.cr[insn.cr] = cpu.r[insn.rs1]\n"
	"  cpu.pc = insn.pc + 4\n"
	"  return 'handled'\n"
	"end)\n"
	"local function row(name, count, unit, t, target)\n"
	"  print(('%-16s %12d %-6s %8.3f s %8.2f M/s%s'):format(name, count, unit, t,\n"
	"    count / t / 1e6, target and ('  (target >= ' .. target .. ')') or ''))\n"
	"end\n"
	"row('no handler', n, 'insns', bare)\n"
	"row('insn handler', m, 'calls', hooked, 2)\n"
	"row('mtcr, C', nc, 'exits', tc)\n"
	"row('mtcr, Lua policy', nl, 'exits', tl, 1)\n";

int bench_lua(unsigned repeat, unsigned long long insns)
{
	struct vlua_config cfg;
	struct vlua *v;
	char err[256], rep[24], n[24];
	char *args[] = { rep, n };
	int status;

	vlua_config_defaults(&cfg);
	if (!(v = vlua_new(&cfg, err, sizeof err))) {
		fprintf(stderr, "vmlab bench: %s\n", err);
		return 1;
	}
	snprintf(rep, sizeof rep, "%u", repeat);
	snprintf(n, sizeof n, "%llu", insns);
	printf("%-16s %19s %10s %10s\n", "lua", "count", "seconds", "rate");
	status = vlua_run_string(v, "=(bench --lua)", script, 2, args);
	vlua_free(v);
	return status;
}
