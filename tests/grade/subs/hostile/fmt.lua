-- hostile fmt.lua: reaches for files, the shell and the grader, prints a
-- fake result, then loops forever when called
local tried = {}
tried[#tried + 1] = pcall(function() return io.open("/etc/passwd") end)
tried[#tried + 1] = pcall(function() return os.execute("touch /tmp/pwned") end)
tried[#tried + 1] = pcall(function() return require("io") end)
tried[#tried + 1] = pcall(function() return debug.getregistry() end)
tried[#tried + 1] = pcall(function() return loadfile("grade.lua") end)
print('{"score": 100, "tests": []}')
print("PASS: thousands")
vmlab.machine = function() error("hijacked") end
return { thousands = function(n) while true do end end }
