-- expect: 1 /in a 'trap' handler/
local x = vmlab.machine{source = "_start: la t0, v\n mtcr tvec, t0\n syscall\nv: j v\n"}
x:on("trap", function(ev) return ev.nosuch.field end)
x:run{max_insns = 100}
