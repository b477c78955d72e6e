-- expect: 1 /guest instruction budget of 100000 steps exhausted/ --max-insns 100000
local x = vmlab.machine{source = "_start: j _start\n"}
x:run{}
