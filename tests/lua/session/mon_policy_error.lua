-- A policy's error ends a run under the monitor cleanly: its report
-- with file:line and a traceback, status 1.
local mon = vmlab.session
mon:handle("mfcr", function(vm, cpu, insn)
	error("no emulation of " .. insn.op)
end)
