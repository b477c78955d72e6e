-- grade.lua -- lab 04, trap-and-emulate.  Two tracks, graded the same way:
--
--   privileged.lua  Lua policies (mon:handle) for the privileged
--                   instructions, run by the grader's own monitor
--   emulate.c       the monitor's vcpu_emulate_insn, linked into a vmlab
--                   of its own (build/libvmlab.a without monitor/emulate.o)
--
-- A submission is graded on the track(s) whose file it holds.  Every test
-- is an equivalence check (Popek and Goldberg 1974): a guest on the bare
-- strict machine and the same guest under the student's monitor must
-- print the same console output and power off with the same status.  The
-- directed guest guests/priv.s prints a line per instruction group; toyos
-- sessions run whole.
lab{ name = "04-trap-emulate", files = { "privileged.lua", "emulate.c" } }

local has_lua, has_c = grade.file("privileged.lua") ~= nil, grade.file("emulate.c") ~= nil
if not has_lua and not has_c then
  has_lua, has_c = true, true -- grade both: every test says what is missing
end

-- (grade.toyos: a folder copied and assembled -- grade.assemble would
-- want every student file, and a submission holds one track's)
local priv = grade.toyos{ os = "guests", main = "priv.s", name = "priv" }
local toyos = grade.toyos{ name = "toyos" }
local OS = grade.lab .. "/../os"
local PRIV_MEM, OS_MEM = 1024 * 1024, 4 * 1024 * 1024
-- a monitor's own limits: guest instructions, and virtual time (a trapping
-- instruction that never retires still costs the monitor's cycles), about
-- twice what the reference needs (priv.s 0.2 M cycles, toyos 280 M)
local PRIV_CYCLES, OS_CYCLES = 5000000, 600000000
local PRIV_INSNS, OS_INSNS = 20000, 16000000      -- steps (4 399 and 10.9 M)
local MAX_CALLS = 100000   -- policy calls in one run (toyos's demo: 6 700)
local SESSIONS = {
  { name = "toyos: the demo session", input = OS .. "/demo.txt", points = 3 },
  { name = "toyos: fork and crash", input = grade.lab .. "/guests/fork.txt", points = 2 },
}

-- ---- the bare-metal side (the grader's own machine), once per guest -------

local vc = dofile(OS .. "/vmlab_c.lua")(grade)
local function bare(...) return vc.bare(...) end

-- ---- the C track: a vmlab of the student's --------------------------------

local cbuild = has_c and vc.build("emulate.c")
local function c_run(t, image, mem, input, insns, cycles)
  return vc.run(t, cbuild, { image = image, mem = mem, input = input, insns = insns,
                             cycles = cycles })
end

-- ---- the Lua track: the grader's monitor with the student's policies ------

local policies, lua_err
if has_lua then
  policies, lua_err = grade.student_lua("privileged.lua", { insns = 100000 })
  if policies ~= nil and type(policies) ~= "table" then
    policies, lua_err = nil, "privileged.lua must return a table of policies"
  end
end

local function lua_run(t, b, mem, input, insns, cycles)
  if not policies then t:fail("privileged.lua does not load: " .. tostring(lua_err)) end
  if not b.ok then t:fail("the build '" .. b.name .. "' failed, so this test cannot run") end
  -- (vmlab.monitor itself: t:monitor passes a seed= it does not take)
  local mon = vmlab.monitor{ variant = "strict", vms = { { image = b.image, mem = mem,
                             console_in = input, seed = t.seed } } }
  local cost, calls = mon.costs.emulate, 0
  for cause, fn in pairs(policies) do
    if type(fn) == "function" then
      mon:handle(cause, function(vm, cpu, insn)
        calls = calls + 1
        -- a loop (each call costs host time): an error ends the run at once
        if calls > MAX_CALLS then error("too many policy calls", 0) end
        local verdict = fn(vm, cpu, insn)
        if verdict == "handled" then vm:charge(cost) end -- as the C code charges
        return verdict
      end)
    end
  end
  -- (mon:run itself: t:run reads x:console(), which a monitor takes a VM for)
  local ok, why = pcall(mon.run, mon, { max_insns = insns, max_cycles = cycles })
  if not ok and calls <= MAX_CALLS then
    why = tostring(why):gsub("^.-in the student's ", "in "):gsub("^[^ ]*grade%.lua:%d+: ", "")
    t:fail("a policy failed: " .. why)
  end
  if calls > MAX_CALLS then
    t:note(("the policies ran %d times (toyos's demo needs 6 700): "
      .. "does each move the pc on?"):format(MAX_CALLS))
  elseif why ~= "done" then
    t:note(("the guest did not finish within %d instructions or %d cycles (a "
      .. "policy that does not move the pc on?)"):format(insns, cycles))
  end
  local vm = mon.vms[1]
  return { exit = vm.exit_code, out = mon:console(vm),
           msgs = ok and why ~= "done" and ("the monitor stopped: " .. tostring(why)) or "" }
end

-- ---- comparing ------------------------------------------------------------

local function line_of(text, prefix)
  for l in (text .. "\n"):gmatch("([^\n]*)\n") do
    if l:sub(1, #prefix) == prefix then return l end
  end
end

local function same(t, want, got, what)
  if want.out == got.out and want.exit == got.exit then return end
  if got.msgs and got.msgs ~= "" then t:note("the monitor said: " .. got.msgs) end
  local i = 1
  while want.out:sub(i, i) == got.out:sub(i, i) do i = i + 1 end
  local from = math.max(1, i - 40)
  if want.out ~= got.out then
    t:note(("bare metal:   %q"):format(want.out:sub(from, i + 30)))
    t:note(("your monitor: %q"):format(got.out:sub(from, i + 30)))
  end
  t:expect(want.out == got.out, what .. ": the console output differs from byte " .. i,
    want.out:sub(from, i + 30), got.out:sub(from, i + 30))
  t:expect_eq(got.exit, want.exit, what .. ": exit status")
end

-- one test per instruction group: its line of priv.s's output
local GROUPS = {
  { name = "mfcr and mtcr", line = "cr:", points = 2,
    hint = "mfcr/mtcr of scratch, tvec, cpuid, memsize; mtcr of read-only cpuid traps" },
  { name = "rfe", line = "rfe:", points = 2,
    hint = "rfe to ring 3: the trap from there must say ring 3" },
  { name = "rdpsw and wrpsw", line = "psw:", points = 2,
    hint = "the PSW the guest wrote, read back; wrpsw to ring 3" },
  { name = "tlbinv and tlbflush", line = "tlb:", points = 1,
    hint = "a remapped page read after tlbinv, then after tlbflush" },
  { name = "mtcr ptbr: a new address space", line = "ptbr:", points = 2,
    hint = "VA 0x400000 read after switching page directories" },
  { name = "halt", line = "halt:", points = 1,
    hint = "halt until the timer's interrupt line is high" },
}

local function tests_for(track, run_priv, run_os)
  local cache
  for _, g in ipairs(GROUPS) do
    test{ name = track .. ": " .. g.name, points = g.points, group = track,
      budget = { insns = 100000 },
      function(t)
        local want = bare(t, priv, PRIV_MEM)
        cache = cache or run_priv(t)
        local got = cache
        local w, s = line_of(want.out, g.line), line_of(got.out, g.line)
        if w ~= s then
          t:note("guests/priv.s: " .. g.hint)
          if got.msgs and got.msgs ~= "" then t:note("the monitor said: " .. got.msgs) end
          t:note("bare metal:   " .. (w or "(none)"))
          t:note("your monitor: " .. (s or "(none: the guest stopped before it)"))
          t:expect(false, "the line '" .. g.line .. "' of guests/priv.s differs", w, s)
        end
      end }
  end
  for _, s in ipairs(SESSIONS) do
    test{ name = track .. ": " .. s.name, points = s.points, group = track,
      budget = { insns = 20000000 },
      function(t)
        local want = bare(t, toyos, OS_MEM, s.input)
        same(t, want, run_os(t, s.input), "toyos")
      end }
  end
end

if has_lua then
  tests_for("Lua",
    function(t) return lua_run(t, priv, PRIV_MEM, nil, PRIV_INSNS, PRIV_CYCLES) end,
    function(t, input) return lua_run(t, toyos, OS_MEM, input, OS_INSNS, OS_CYCLES) end)
end
if has_c then
  tests_for("C",
    function(t)
      if not priv.ok then t:fail("the build 'priv' failed") end
      return c_run(t, priv.image, PRIV_MEM, nil, PRIV_INSNS, PRIV_CYCLES)
    end,
    function(t, input)
      if not toyos.ok then t:fail("the build 'toyos' failed") end
      return c_run(t, toyos.image, OS_MEM, input, OS_INSNS, OS_CYCLES)
    end)
end
