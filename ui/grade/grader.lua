-- grader.lua -- the runner of `vmlab grade` (docs/grading.md), carried
-- inside build/vmlab.  Called with the C primitives (ui/grade/prims.c)
-- and the options; returns the result table that ui/grade/runner.c turns
-- into the result tree.
--
--   load LAB/grade.lua in an environment with lab{}, group{}, test{} and
--   the helpers `grade` (builds, files, student Lua)
--      -> builds happen as grade.lua calls them (once per submission)
--   for each test (grouped, in order), for each seed:
--      fresh context t (t:boot, t:run, t:send, t:expect_*...)
--      fn(t) under xpcall; the first failing seed ends the test
--   -> { lab, submission, builds = {...}, tests = {...} }
--
-- This file is the instructor's side: it is trusted and has the whole
-- Lua library.  What comes from the submission (its files, its Lua, its
-- programs, its guest code) is only ever data, sandboxed Lua, a child
-- process or a simulated machine.
local C, opts = ...

local CHUNK = 1000000        -- guest steps between checks of wall and output
local WAIT_CHUNK = 20000     -- steps between looks at the console (wait_output)
local MONITOR_SLICE = 200000 -- the monitor's default time slice (monitor/vmm.c)
local DEFAULT_BUDGET = { insns = 10000000, wall = 60, output = 65536 }
local STUDENT_LUA_INSNS = 10000000
local VISIBILITY = { visible = true, hidden = true, after_due_date = true,
                     after_published = true }

local ABORT = setmetatable({}, { __tostring = function() return "test aborted" end })

local function basename(p)
  return (p:gsub("/+$", ""):match("[^/]*$"))
end

local function shell_quote(s)
  if s:match("^[%w%./_%-+=:,]+$") then return s end
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function show(v)
  if math.type(v) == "integer" then
    if v >= 10 or v < 0 then
      return string.format("%d (0x%x)", v, v & 0xffffffff)
    end
    return tostring(v)
  elseif type(v) == "string" then
    return (string.format("%q", v):gsub("\\\n", "\\n"))
  end
  return tostring(v)
end

local function path_in(dir, name)
  if name:sub(1, 1) == "/" then return name end
  return dir .. "/" .. name
end

-- ---- declarations ---------------------------------------------------------

local lab = { name = opts.lab_name, files = {} }
local tests, by_name, group_rank = {}, {}, {}
local ngroups = 0
local builds = {}

local function check_keys(what, t, allowed)
  for k in pairs(t) do
    if not allowed[k] then
      error(string.format("%s: unknown field '%s'", what, tostring(k)), 3)
    end
  end
end

local function declare_lab(t)
  check_keys("lab{}", t, { name = true, files = true })
  if t.name ~= nil then
    if type(t.name) ~= "string" or t.name == "" then error("lab{}: name must be a string", 2) end
    lab.name = t.name
  end
  lab.files = t.files or {}
end

local function note_group(name)
  if not group_rank[name] then
    ngroups = ngroups + 1
    group_rank[name] = ngroups
  end
end

local function declare_group(t)
  if type(t) == "string" then t = { name = t } end
  check_keys("group{}", t, { name = true })
  if type(t.name) ~= "string" or t.name == "" then error("group{}: name must be a string", 2) end
  note_group(t.name)
end

local function declare_test(t)
  if type(t) ~= "table" then error("test{...}: give a table", 2) end
  check_keys("test{}", t, { name = true, points = true, visibility = true, group = true,
                            budget = true, fn = true, after = true, [1] = true })
  local fn = t.fn or t[1]
  if type(t.name) ~= "string" or t.name == "" then error("test{}: name must be a string", 2) end
  if by_name[t.name] then error("test{}: a second test named '" .. t.name .. "'", 2) end
  if type(fn) ~= "function" then error("test '" .. t.name .. "': no function (fn=)", 2) end
  local points = t.points == nil and 1 or t.points
  if type(points) ~= "number" or points < 0 then
    error("test '" .. t.name .. "': points must be a number >= 0", 2)
  end
  local vis = t.visibility or "visible"
  if not VISIBILITY[vis] then
    error("test '" .. t.name .. "': visibility must be visible, hidden, after_due_date "
          .. "or after_published", 2)
  end
  local budget = {}
  for k, v in pairs(DEFAULT_BUDGET) do budget[k] = v end
  if t.budget ~= nil then
    if type(t.budget) ~= "table" then error("test '" .. t.name .. "': budget is a table", 2) end
    for k, v in pairs(t.budget) do
      if DEFAULT_BUDGET[k] == nil then
        error("test '" .. t.name .. "': unknown budget '" .. tostring(k)
              .. "' (insns, wall, output)", 2)
      end
      if type(v) ~= "number" or v <= 0 then
        error("test '" .. t.name .. "': budget." .. k .. " must be a positive number", 2)
      end
      budget[k] = v
    end
  end
  if t.after ~= nil and not by_name[t.after] then
    error("test '" .. t.name .. "': after = '" .. tostring(t.after)
          .. "' is not an earlier test", 2)
  end
  local group = t.group or ""
  if type(group) ~= "string" then error("test '" .. t.name .. "': group is a string", 2) end
  note_group(group)
  local rec = { name = t.name, fn = fn, points = points, visibility = vis, group = group,
                budget = budget, after = t.after, order = #tests + 1 }
  tests[#tests + 1] = rec
  by_name[t.name] = rec
end

-- ---- builds -----------------------------------------------------------------

local G = { lab = opts.lab, submission = opts.sub }

-- Messages name files as the student knows them, not by our temporary copy.
local function tidy(text)
  local s = text:gsub(opts.lab_src:gsub("%p", "%%%0") .. "/",
                      (opts.lab_arg:gsub("%%", "%%%%")) .. "/")
  s = s:gsub(opts.sub:gsub("%p", "%%%0") .. "/", "")
  s = s:gsub(opts.tmp:gsub("%p", "%%%0") .. "/", "")
  s = s:gsub(opts.lab:gsub("%p", "%%%0") .. "/", (opts.lab_arg:gsub("%%", "%%%%")) .. "/")
  s = s:gsub("grader%.lua:%d+: ", "")
  s = s:gsub("build/toyos%-%d+/", "") -- grade.toyos's copies: the student's file names
  return s
end

local function add_build(b)
  b.output = tidy(b.output or "")
  builds[#builds + 1] = b
  return b
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

local function include_dirs(spec, extra)
  local dirs = { opts.sub }
  for _, d in ipairs(extra or {}) do dirs[#dirs + 1] = d end
  for _, d in ipairs(spec.include or {}) do dirs[#dirs + 1] = path_in(opts.lab_src, d) end
  dirs[#dirs + 1] = opts.lab_src
  return dirs
end

-- grade.assemble{main = "harness.s", name = "program", include = {...}}:
-- assemble a lab file that .includes the student's files.
function G.assemble(spec)
  if type(spec) == "string" then spec = { main = spec } end
  check_keys("grade.assemble{}", spec, { main = true, name = true, include = true })
  if type(spec.main) ~= "string" then error("grade.assemble{}: main = the lab's .s file", 2) end
  -- A lab may hold its reference solution under the student's file names
  -- (labs/NN-name/, docs/teaching.md).  .include looks in the including
  -- file's folder before the submission, and in the lab after it: so main
  -- must not sit beside a student file, and a student file the submission
  -- lacks is a failed build, never the lab's copy.
  local main_dir = path_in(opts.lab, spec.main):match("^(.*)/[^/]*$") or "."
  for _, f in ipairs(lab.files) do
    if exists(main_dir .. "/" .. f) then
      error(("grade.assemble{}: %s is beside the student's file %s, which it would "
        .. "include instead of the submission's: move %s into a subfolder"):format(
        spec.main, f, spec.main), 2)
    end
    if exists(opts.lab .. "/" .. f) and not exists(opts.sub .. "/" .. f) then
      return add_build{ name = spec.name or basename(spec.main), ok = false, image = "",
                        output = "the submission has no file " .. f .. "\n" }
    end
  end
  local out = string.format("%s/build-%d.elf", opts.build, #builds + 1)
  local ok, msgs = C.assemble(path_in(opts.lab_src, spec.main), include_dirs(spec), out)
  local replay = "vmlab debug " .. shell_quote(path_in(opts.lab_arg, spec.main))
  for _, d in ipairs(spec.include or {}) do
    replay = replay .. " -I " .. shell_quote(path_in(opts.lab_arg, d))
  end
  replay = replay .. " -I " .. shell_quote(opts.sub_arg)
  return add_build{ name = spec.name or basename(spec.main), ok = ok, output = msgs,
                    image = out, replay = replay }
end

-- grade.toyos{replace = {"vm.s"}, os = "../os"}: toyos with the student's
-- files in place of its own.
function G.toyos(spec)
  spec = spec or {}
  check_keys("grade.toyos{}", spec, { replace = true, os = true, name = true, main = true })
  local os_dir = path_in(opts.lab, spec.os or "../os")
  local n = #builds + 1
  local dir = string.format("%s/toyos-%d", opts.build, n)
  local name = spec.name or "toyos"
  local ok, err = C.copytree(os_dir, dir)
  if not ok then error("grade.toyos: cannot copy " .. os_dir .. ": " .. err, 2) end
  for _, f in ipairs(spec.replace or {}) do
    local src = io.open(opts.sub .. "/" .. f, "rb")
    if not src then
      return add_build{ name = name, ok = false, image = "",
                        output = "the submission has no file " .. f .. "\n" }
    end
    local text = src:read("a")
    src:close()
    local dst = assert(io.open(dir .. "/" .. f, "wb"))
    dst:write(text)
    dst:close()
  end
  C.handover(dir)
  local out = string.format("%s/build-%d.elf", opts.build, n)
  local okb, msgs = C.assemble(dir .. "/" .. (spec.main or "toyos.s"), { dir }, out)
  return add_build{ name = name, ok = okb, output = msgs, image = out, replay = nil }
end

local function status_line(r)
  if r.timed_out then return "killed: the wall-clock limit" end
  if r.signal ~= 0 then return "killed by signal " .. r.signal end
  return "exit status " .. r.exit
end

-- grade.build_c{cmd = {"cc", "-o", "wc", "wc.c"}, name = "wc", limits = {...}}:
-- a build command run in the submission's folder, in a child process.
function G.build_c(spec)
  check_keys("grade.build_c{}", spec, { cmd = true, name = true, limits = true })
  local r = G.exec(spec.cmd, spec.limits)
  local ok = r.exit == 0 and not r.timed_out
  local out = r.output
  if not ok then out = out .. "(" .. status_line(r) .. ")\n" end
  return add_build{ name = spec.name or basename(spec.cmd[#spec.cmd]), ok = ok, output = out,
                    image = nil }
end

-- grade.exec(argv, {input=, cpu=, mem=, fsize=, nproc=, wall=, output=}):
-- run a program in the submission's folder, in a child with limits.
function G.exec(argv, limits)
  if type(argv) ~= "table" then error("grade.exec: argv must be a list", 2) end
  local spec = { argv = argv, cwd = opts.sub }
  for k, v in pairs(limits or {}) do spec[k] = v end
  local r = C.spawn(spec)
  r.status = status_line(r)
  return r
end

-- grade.file("sum.s"): the path of a submitted file, or nil.
function G.file(name)
  local p = opts.sub .. "/" .. name
  local f = io.open(p, "rb")
  if not f then return nil end
  f:close()
  return p
end

-- grade.read("notes.txt"): a submitted file's text, or nil.
function G.read(name)
  local f = io.open(opts.sub .. "/" .. name, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- grade.student_lua("policy.lua", {insns = N}): the student's Lua, loaded
-- as text in a sandbox (no io, os, require, debug...) with its own copy of
-- `vmlab`; it and every function it returns run under an instruction
-- budget.  nil and the reason when it does not load or fails at once.
function G.student_lua(file, o)
  o = o or {}
  local budget = o.insns or STUDENT_LUA_INSNS
  local src = G.read(file)
  if not src then return nil, "the submission has no file " .. file end
  local env = C.sandbox_env()
  env.print = function() end -- nothing a student prints reaches our output
  local vm = {}
  for k, v in pairs(vmlab) do vm[k] = v end
  env.vmlab = vm
  -- a finalizer would run student code outside any budget, whenever the
  -- grader allocates: objects with __gc are refused
  env.setmetatable = function(t, mt)
    if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
      error("__gc is not allowed in the grader's sandbox", 2)
    end
    return setmetatable(t, mt)
  end
  local chunk, err = load(src, "=" .. file, "t", env)
  if not chunk then return nil, err end
  local res = table.pack(C.guard(budget, chunk))
  if not res[1] then return nil, res[2] end
  -- what the student returns is copied raw (no metamethod of theirs ever
  -- runs in the grader), functions wrapped in the budget
  local copy
  local function wrap(fn)
    return function(...)
      local r = table.pack(C.guard(budget, fn, ...))
      if not r[1] then error("in the student's " .. file .. ": " .. tostring(r[2]), 2) end
      for i = 2, r.n do r[i] = copy(r[i], 0) end
      return table.unpack(r, 2, r.n)
    end
  end
  function copy(v, depth)
    if type(v) == "function" then return wrap(v) end
    if type(v) ~= "table" then return v end
    if depth > 8 then return nil end
    local t = {}
    local k, x = next(v)
    while k ~= nil do
      if type(k) ~= "table" and type(k) ~= "function" then t[k] = copy(x, depth + 1) end
      k, x = next(v, k)
    end
    return t
  end
  return copy(res[2], 0)
end

-- ---- one run of a test: the context `t` ---------------------------------------

local T = {}
T.__index = T

local function new_context(rec, seed)
  return setmetatable({ name = rec.name, seed = seed, budget = rec.budget, used = 0,
                        t0 = C.clock(), machines = {}, failures = {}, notes = {},
                        inputs = {}, seen = {}, build = nil }, T)
end

function T:_fail(message, expect, got, detail)
  self.failures[#self.failures + 1] = { message = message, expect = expect, got = got,
                                        detail = detail }
end

-- A failure that ends the test at once.
function T:fail(message, detail)
  self:_fail(message, nil, nil, detail)
  error(ABORT, 0)
end

function T:note(text)
  self.notes[#self.notes + 1] = tostring(text)
end

function T:boot(b, o)
  if type(b) ~= "table" or b.ok == nil then error("t:boot: give a build (grade.assemble...)", 2) end
  if not b.ok then self:fail("the build '" .. b.name .. "' failed, so this test cannot run") end
  o = o or {}
  local spec = { image = b.image, seed = self.seed }
  for k, v in pairs(o) do spec[k] = v end
  local x = vmlab.machine(spec)
  self.machines[#self.machines + 1] = x
  self.build = b
  return x
end

-- A monitor with its guests, when this vmlab has vmlab.monitor (see
-- docs/grading.md): the seed is the test's, runs count against its budget.
function T:monitor(spec)
  if not vmlab.monitor then
    error("t:monitor: this vmlab has no vmlab.monitor yet (docs/lua.md)", 2)
  end
  -- the seed reaches each VM's RNG (VM i gets seed + i - 1, unless the
  -- grader gave one) and, from seed 2 on, where time slices end, so that
  -- --seeds N also shakes out guests that depend on the slice
  local s = {}
  for k, v in pairs(spec or {}) do s[k] = v end
  local vms = {}
  for i, vm in ipairs(s.vms or {}) do
    local c = {}
    for k, v in pairs(vm) do c[k] = v end
    if c.seed == nil then c.seed = self.seed + i - 1 end
    vms[i] = c
  end
  s.vms = vms
  if s.slice == nil and self.seed > 1 then
    s.slice = MONITOR_SLICE + (self.seed * 7919) % MONITOR_SLICE
  end
  local m = vmlab.monitor(s)
  self.machines[#self.machines + 1] = m
  return m
end

-- A monitor (it has VMs) or a machine.
local function vms_of(x)
  local ok, vms = pcall(function() return x.vms end)
  return ok and type(vms) == "table" and vms or nil
end

local function instret(x)
  local ok, n = pcall(function() return (vms_of(x) and x.machine or x).cpu.instret end)
  if ok and math.type(n) == "integer" then return n end
  return nil
end

function T:_limits(x)
  local out = 0
  if vms_of(x) then
    for _, vm in ipairs(x.vms) do out = out + #x:console(vm) end
  elseif x.console then
    out = #x:console()
  end
  if out > self.budget.output then
    self:fail(string.format("the guest wrote more than %d bytes to the console "
                            .. "(budget.output)", self.budget.output))
  end
  if C.clock() - self.t0 > self.budget.wall then
    self:fail(string.format("the wall-clock safety limit of %g s was reached after %d "
                            .. "instructions (the instruction budget is the real limit: "
                            .. "this grading machine may be overloaded)",
                            self.budget.wall, self.used))
  end
end

-- t:run(x, {max_insns=, stop_at=}): run within the test's budget.  Returns
-- x:run's reason and details; running out of the budget fails the test.
function T:run(x, o)
  o = o or {}
  local own = o.max_insns
  while true do
    local left = self.budget.insns - self.used
    if left <= 0 then
      self:fail(string.format("the instruction budget of %d ran out (an endless loop?)",
                              self.budget.insns))
    end
    local chunk = math.min(left, own or left)
    if not o.stop_at then chunk = math.min(chunk, CHUNK) end
    local before = instret(x)
    local why, d = x:run{ max_insns = chunk, stop_at = o.stop_at }
    local ran = chunk
    if why ~= "limit" then
      local after = instret(x)
      ran = (before and after) and math.max(after - before, 1) or 1
    end
    self.used = self.used + ran
    if own then own = own - ran end
    self:_limits(x)
    if why ~= "limit" then return why, d end
    if own and own <= 0 then return why, d end
  end
end

function T:send(x, text, eof)
  x:send(text, eof)
  self.inputs[#self.inputs + 1] = text .. (eof and "<EOF>" or "")
end

-- t:wait_output(x, pattern, {plain=}): run until the console (after what
-- earlier waits matched) matches; returns the captures.
function T:wait_output(x, pattern, o)
  o = o or {}
  local from = self.seen[x] or 1
  while true do
    local r = table.pack(x:console():find(pattern, from, o.plain))
    if r[1] then
      self.seen[x] = r[2] + 1
      if r.n > 2 then return table.unpack(r, 3, r.n) end
      return x:console():sub(r[1], r[2])
    end
    local why = self:run(x, { max_insns = WAIT_CHUNK })
    if why ~= "limit" then
      if x:console():find(pattern, from, o.plain) then
        return self:wait_output(x, pattern, o)
      end
      self:fail(string.format("the machine stopped (%s) before printing %s", why,
                              show(pattern)))
    end
  end
end

-- ---- checks: each records what was expected and what was seen ---------------

function T:expect(cond, what, expect, got)
  if not cond then self:_fail(what or "check failed", expect, got) end
  return cond and true or false
end

function T:expect_eq(got, want, what)
  if got == want then return true end
  self:_fail(string.format("%s: expected %s, got %s", what or "value", show(want), show(got)),
             show(want), show(got))
  return false
end

function T:expect_reg(x, reg, want)
  return self:expect_eq(x.cpu[reg], want, "register " .. reg)
end

-- want: a string of bytes, or a 32-bit word.
function T:expect_mem(x, addr, want, what)
  what = what or string.format("memory at 0x%08x", addr)
  if type(want) == "string" then
    return self:expect_eq(x.phys:read(addr, #want), want, what)
  end
  return self:expect_eq(x.phys:read32(addr), want & 0xffffffff, what)
end

function T:expect_exit(x, code)
  return self:expect_eq(x.exit_code, code, "power-off status")
end

local function split_lines(s)
  local lines = {}
  for line in (s .. (s:sub(-1) == "\n" and "" or "\n")):gmatch("(.-)\n") do
    lines[#lines + 1] = line
  end
  if s == "" then lines = {} end
  return lines
end

-- t:expect_output(x or text, {patterns...}, {no = {...}, plain = true}):
-- each expected pattern must match a line, in order; no line may match a
-- `no` pattern.  A failure shows the output as xv6's gradelib does: GOOD
-- and BAD lines with two lines of context, then MISSING patterns.
function T:expect_output(src, want, o)
  o = o or {}
  local text = type(src) == "string" and src or src:console()
  local lines = split_lines(text)
  local marks, nextw, bad = {}, 1, false
  for i, line in ipairs(lines) do
    if want[nextw] and line:find(want[nextw], 1, o.plain) then
      marks[i] = "GOOD "
      nextw = nextw + 1
    else
      for _, p in ipairs(o.no or {}) do
        if line:find(p, 1, o.plain) then
          marks[i] = "BAD  "
          bad = true
        end
      end
    end
  end
  if not bad and nextw > #want then return true end
  local out, last = {}, 0
  for i, line in ipairs(lines) do
    local near = false
    for j = math.max(1, i - 2), math.min(#lines, i + 2) do
      if marks[j] then near = true end
    end
    if near then
      if last < i - 1 then out[#out + 1] = "     ..." end
      out[#out + 1] = (marks[i] or "     ") .. line
      last = i
    end
  end
  if last < #lines and #out > 0 then out[#out + 1] = "     ..." end
  if #lines == 0 then out[#out + 1] = "     (no output)" end
  for k = nextw, #want do out[#out + 1] = "MISSING " .. show(want[k]) end
  local what = o.what or "console output"
  local msg = bad and what .. ": a line that must not be there" or
              what .. ": missing " .. show(want[nextw])
  self:_fail(msg, want[nextw] and show(want[nextw]) or "no such line",
             bad and "a forbidden line" or "not found", table.concat(out, "\n"))
  return false
end

-- ---- running the tests ---------------------------------------------------------

local function error_text(e)
  if e == ABORT then return e end
  local s = tostring(e)
  return s
end

local function run_once(rec, seed)
  local t = new_context(rec, seed)
  local ok, err = xpcall(rec.fn, error_text, t)
  for _, x in ipairs(t.machines) do
    if x.close then pcall(x.close, x) end
  end
  if not ok and err ~= ABORT then
    t:_fail("error: " .. tidy(err))
  end
  return t
end

local function report(rec, t)
  local out = {}
  for _, f in ipairs(t.failures) do
    out[#out + 1] = "FAIL " .. f.message
    if f.detail then out[#out + 1] = f.detail end
  end
  for _, n in ipairs(t.notes) do out[#out + 1] = n end
  if #t.inputs > 0 then out[#out + 1] = "console input sent: " .. show(table.concat(t.inputs)) end
  local replay = ""
  if t.build and t.build.replay then
    replay = t.build.replay .. " --seed " .. t.seed
  else
    replay = "vmlab grade " .. shell_quote(opts.lab_arg) .. " " .. shell_quote(opts.sub_arg)
             .. " --test " .. shell_quote(rec.name) .. " --seed " .. t.seed
  end
  out[#out + 1] = "replay: " .. replay
  return table.concat(out, "\n") .. "\n", replay
end

local function grade_tests()
  table.sort(tests, function(a, b)
    if group_rank[a.group] ~= group_rank[b.group] then
      return group_rank[a.group] < group_rank[b.group]
    end
    return a.order < b.order
  end)
  local results, passed = {}, {}
  local gnum, gseen, k = 0, nil, 0
  for _, rec in ipairs(tests) do
    if rec.group ~= gseen then
      gnum, gseen, k = gnum + 1, rec.group, 0
    end
    k = k + 1
    if not opts.only or opts.only == rec.name then
      local r = { name = rec.name, group = rec.group, visibility = rec.visibility,
                  number = gnum .. "." .. k, max_points = rec.points, points = 0,
                  message = "", output = "", replay = "", seed = 0 }
      local t0 = C.clock()
      if rec.after and not opts.only and not passed[rec.after] then
        r.status = "skip"
        r.message = "'" .. rec.after .. "' did not pass"
      else
        local failed
        for seed = opts.first_seed, opts.last_seed do
          local t = run_once(rec, seed)
          if #t.failures > 0 then
            failed = t
            break
          end
        end
        if failed then
          local f = failed.failures[1]
          r.status = "fail"
          r.message = f.message:match("[^\n]*")
          r.expect, r.got = f.expect, f.got
          r.output, r.replay = report(rec, failed)
          r.seed = failed.seed
        else
          r.status = "pass"
          r.points = rec.points
          passed[rec.name] = true
        end
      end
      r.seconds = C.timing and C.clock() - t0 or 0
      results[#results + 1] = r
    end
  end
  return results
end

-- ---- main ------------------------------------------------------------------------

local env = setmetatable({ lab = declare_lab, group = declare_group, test = declare_test,
                           grade = G }, { __index = _G })
local t_start = C.clock()
local chunk, err = loadfile(opts.lab .. "/grade.lua", "t", env)
if not chunk then error(err, 0) end
if opts.copy_error then
  add_build{ name = "submission", ok = false, output = opts.copy_error .. "\n" }
end
chunk()
if opts.only and not by_name[opts.only] then
  error("no test named '" .. opts.only .. "' in " .. opts.lab_arg .. "/grade.lua", 0)
end
local results = grade_tests()
local out_builds = {}
for i, b in ipairs(builds) do
  out_builds[i] = { name = b.name, ok = b.ok, output = b.output }
end
return { lab = lab.name, submission = opts.sub_name, builds = out_builds, tests = results,
         seconds = C.timing and C.clock() - t_start or 0 }
