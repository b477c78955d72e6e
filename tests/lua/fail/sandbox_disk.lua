-- expect: 1 /disk= is not allowed in the sandbox/ --sandbox
local x = vmlab.machine{source = "_start: halt\n", disk = "/tmp/evil"}
