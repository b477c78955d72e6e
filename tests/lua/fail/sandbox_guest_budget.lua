-- expect: 1 /guest instruction budget of 1000 steps/ --sandbox --max-insns 1000
local x = vmlab.machine{source = "_start: j _start\n"}
for i = 1, 10 do x:run{max_insns = 500} end
