-- expect: 1 /api_misuse\.lua:3: .*unknown register 'q7'/
local x = vmlab.machine{source = "_start: halt\n"}
print(x.cpu:reg("q7"))
