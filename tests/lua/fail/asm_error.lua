-- expect: 1 /mine\.s:2:[0-9]+: error: /
local x = vmlab.machine{name = "mine.s", source = "_start: li a0, 1\n frob a0\n"}
