-- vmlab_c.lua -- for the graders of monitor labs in C (labs/04-trap-emulate,
-- labs/05-shadow): build a vmlab of the student's, whose C file replaces
-- one of the monitor's (same symbols), and run a guest under its monitor.
--
--   local vc = dofile(grade.lab .. "/../os/vmlab_c.lua")(grade)
--   local b = vc.build("emulate.c")      -- a build row, like grade.build_c
--   local r = vc.run(t, b, {image=, mem=, input=, insns=, cycles=})
--   local w = vc.bare(t, build, mem, input) -- the same guest on bare metal
--   -- r.out: the guest's console, r.exit: vmlab's status, r.msgs: its messages
--
-- The student's file is compiled against vmlab's source and linked before
-- BUILD/libvmlab.a, so the archive's member with the same symbols is not
-- pulled in: the rest of the monitor is vmlab's own.  It runs in a child
-- with grade.exec's limits.  BUILD is the grading vmlab's folder (its
-- build/, or the bundles' vmlab/build/).
local M = {}
local grade -- the grader's (the file is loaded outside grade.lua's globals)

local function dirname(p) return p:match("^(.*)/[^/]*$") or "." end
local function exists(p) local f = io.open(p, "rb"); if f then f:close() end; return f ~= nil end
local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- the folder with libvmlab.a, and the source tree (nil when not found)
local function where()
  local h = io.popen("readlink /proc/$PPID/exe 2>/dev/null") -- the shell's parent: vmlab
  local exe = h and h:read("l") or ""
  if h then h:close() end
  local lab = grade.lab
  for _, b in ipairs({ dirname(exe), lab .. "/../../build", lab .. "/../vmlab/build",
                       "/opt/vmlab/build" }) do
    if exists(b .. "/libvmlab.a") and exists(b .. "/../monitor/vmm_priv.h") then
      return b, b .. "/.."
    end
  end
end

function M.build(file)
  local B, src = where()
  if not B then
    return { ok = false, name = file, output = "vmlab's build (libvmlab.a) is not found" }
  end
  local san = ""  -- a sanitizer build's objects need its runtime
  local nm = io.popen("nm " .. q(B .. "/obj/ui/cli/main.o") .. " 2>/dev/null")
  if nm and (nm:read("a") or ""):find("__asan", 1, true) then
    san = "-fsanitize=address,undefined"
  end
  if nm then nm:close() end
  -- The build runs as the student's user (grade.build_c), who may not
  -- reach vmlab's own folder (a private home): what it compiles and links
  -- against is copied into the submission's folder first, by the grader.
  local at = grade.file(file)
  if not at then
    return { ok = false, name = file, output = "the submission has no file " .. file .. "\n" }
  end
  local kit = dirname(at) .. "/.vmlab-kit"
  if not os.execute("set -e; rm -rf " .. q(kit) .. "; mkdir -p " .. q(kit .. "/src")
      .. "; cp " .. q(B .. "/libvmlab.a") .. " " .. q(B .. "/obj/ui/cli/main.o") .. " " .. q(kit)
      .. "; cd " .. q(src) .. "; find sim monitor ui -name '*.h' -o -name '*.def' | tar -cf - -T - | tar -xf - -C "
      .. q(kit .. "/src")) then
    return { ok = false, name = file, output = "vmlab's build could not be copied for the student\n" }
  end
  local obj = file:gsub("%.c$", ".o")
  local script = table.concat({
    "set -e",
    "cc -std=c11 -D_DEFAULT_SOURCE -O1 -Wall -Wno-unused-parameter " .. san
      .. " -I .vmlab-kit/src -c " .. q(file) .. " -o " .. q(obj),
    "libs=$(pkg-config --libs readline lua5.4 ncursesw 2>/dev/null || "
      .. "echo -lreadline -llua5.4 -lncursesw -ltinfo)",
    "cc " .. san .. " -o vmlab-student " .. q(obj) .. " .vmlab-kit/main.o"
      .. " .vmlab-kit/libvmlab.a $libs -lm",
  }, "\n")
  -- (AddressSanitizer reserves terabytes of address space: no RLIMIT_AS)
  local b = grade.build_c{ name = file, cmd = { "sh", "-c", script },
                           limits = { mem = san ~= "" and 0 or nil, cpu = 60, wall = 120 } }
  b.san = san ~= ""
  b.kit = kit
  return b
end

-- The same guest on the bare strict machine, in the grader (cached: one
-- run per build and input, whatever the tests that compare with it).
local bare_cache = {}
function M.bare(t, b, mem, input)
  local key = b.name .. "\0" .. (input or "")
  if not bare_cache[key] then
    local x = t:boot(b, { variant = "strict", mem = mem, console_in = input })
    local why, d = t:run(x)
    bare_cache[key] = { why = why, exit = d and d.exit, out = x:console() }
  end
  return bare_cache[key]
end

-- Run o.image under the student's monitor on the strict machine.
local runs = 0
function M.run(t, b, o)
  if not b.ok then t:fail(b.name .. " did not build (see its build output)") end
  runs = runs + 1
  local out = ("console-%d.txt"):format(runs)
  local spec = ("%s,mem=%d,seed=%d,console-out=%s"):format(o.image, o.mem, t.seed, out)
  if o.input then -- a copy the student's user can read (the lab may be private)
    local name = ("input-%d.txt"):format(runs)
    local from = io.open(o.input, "rb")
    local into = from and io.open(b.kit .. "/" .. name, "wb")
    if not into then t:fail("cannot copy the console input " .. o.input) end
    into:write(from:read("a"))
    into:close()
    from:close()
    spec = spec .. ",console-in=.vmlab-kit/" .. name
  end
  local r = grade.exec({ "./vmlab-student", "run", "--machine", "strict", "--max-insns",
                         tostring(o.insns), "--max-cycles", tostring(o.cycles), "--vm", spec },
                       { cpu = 20, wall = 60, mem = b.san and 0 or nil })
  return { exit = r.exit, out = grade.read(out) or "", msgs = r.output, status = r.status }
end

return function(g)
  grade = g
  return M
end
