# --sandbox in the debugger: each escape is a clear error and the session
# goes on (--keep-going; status 1 at the end); the budgets are per command.
# args: --sandbox --lua-insns 1000000 --lua-mem 16M --keep-going
# status: 1
lua
lua io.open("/etc/passwd")
lua os.execute("true")
lua require("os")
lua debug.getinfo(1)
lua string.dump(print)
lua (""):dump()
lua load("\27Lua")
lua dbg:command("shell echo escaped")
lua dbg:command("save /tmp/escaped.ckpt")
lua dbg:command("source /etc/passwd")
shell echo escaped
lua setmetatable(dbg, {})
lua getmetatable(dbg.machine).__index = nil
lua dbg.machine.cpu.a0 = 1; dbg.command({}, "info break")
lua dbg.machine.run(dbg, {})
lua while true do end
lua local function f(n) return f(n + 1) + 1 end f(1)
lua local t = {} for i = 1, 1e9 do t[i] = {i} end
lua print("still here", dbg.machine.cpu.a0, #dbg.breakpoints)
