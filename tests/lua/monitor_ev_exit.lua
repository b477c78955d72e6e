-- Monitor event `exit`: one per VM exit, after the monitor handled it,
-- with the cause the statistics count; the cause filter; mon:stop().
local TOYOS = os.getenv("TOYOS") or "../../build/toyos.elf"
local mon = vmlab.monitor{variant = "strict",
	vms = {{image = TOYOS, console_in = "../../labs/os/demo.txt"}}}
local all, mtcr, by = 0, 0, {}
mon:on("exit", function(ev)
	all = all + 1
	by[ev.name] = (by[ev.name] or 0) + 1
	assert(ev.event == "exit" and ev.vm == mon.vms[1] and ev.cost > 0)
	assert(ev.ring >= 0 and ev.ring <= 3 and math.type(ev.cause) == "integer")
end)
local h = mon:on("exit", "mtcr", function(ev)
	mtcr = mtcr + 1
	assert(ev.name == "mtcr" and ev.ring == 0)
end)
assert(mon:run{max_insns = 400000000} == "done")
local s = mon:stats()
assert(all == s.exits_total and all > 1000, all)
assert(mtcr == s.exits.mtcr and mtcr > 0)
for name, n in pairs(by) do assert(s.exits[name] == n, name) end
assert(h:remove() and not h.active)

-- a handler stops the run at an exit: the next run goes on from there
mon = vmlab.monitor{variant = "strict",
	vms = {{image = TOYOS, console_in = "../../labs/os/demo.txt"}}}
local seen
mon:on("exit", "rfe", function(ev) seen = ev; mon:stop() end)
local why = mon:run{max_insns = 400000000}
assert(why == "stopped" and seen.name == "rfe" and mon:stats().exits.rfe == 1, why)
-- an `exit` event as the run's stop_at
local ev = select(2, mon:run{stop_at = {"exit", "mfcr"}})
assert(ev.event == "exit" and ev.name == "mfcr", ev.name)
-- not an event of a bare machine, and bad filters
local x = vmlab.machine{source = "_start: halt\n"}
local ok, err = pcall(x.on, x, "exit", function() end)
assert(not ok and err:find("an event of the monitor"), err)
ok, err = pcall(mon.on, mon, "exit", "mtrc", function() end)
assert(not ok and err:find("unknown exit cause 'mtrc'") and err:find("hidden%-fault"), err)
ok, err = pcall(mon.on, mon, "exit", 5, function() end)
assert(not ok and err:find("must be a name"), err)
