-- expect: 1 /vmlab.machine: unknown field 'memory'/
local x = vmlab.machine{source = "_start: halt\n", memory = "1M"}
