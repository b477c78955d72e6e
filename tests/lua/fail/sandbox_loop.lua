-- expect: 1 /Lua instruction budget of 1000000 exhausted/ --sandbox --lua-insns 1000000
local x = vmlab.machine{source = "_start: j _start\n"}
x:on("insn", function() while true do end end)
x:run{}
