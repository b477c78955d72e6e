-- expect: 1 /x:on: unknown event 'instruction'/
local x = vmlab.machine{source = "_start: halt\n"}
x:on("instruction", function() end)
