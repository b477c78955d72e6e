-- grade.lua -- lab 06, the hole.  The student owns three files:
--
--   findings.lua  what each instruction is (sensitive? privileged?) and
--                 what diverges under trap-and-emulate on the classic
--                 machine; judged against what this grader MEASURES, with
--                 probe programs: privileged = traps in ring 3 on the
--                 classic machine, sensitive = traps in ring 3 on the
--                 strict one (which makes exactly the sensitive
--                 instructions privileged), diverges = the fields that
--                 differ between the probe run bare and as a guest kernel
--                 of the trap-and-emulate monitor (classic)
--   detect.s      a program that powers off with 1 under the monitor and
--                 0 on bare metal (harness/detect-main.s includes it)
--   arch.inc      toyos's arch macros: the paravirtual PSW_READ,
--                 PSW_WRITE and INTR_ENABLE; toyos-pv under the pv monitor
--                 on the classic machine must print what bare toyos prints
lab{ name = "06-hole", files = { "findings.lua", "detect.s", "arch.inc" } }

local detect = grade.assemble{ main = "harness/detect-main.s", name = "detect" }
local pv = grade.toyos{ replace = { "arch.inc" }, main = "toyos-pv.s", name = "toyos-pv" }
local bare = grade.toyos{ replace = {}, name = "toyos" }   -- the lab's own toyos

local toy = dofile(grade.lab .. "/../os/grading.lua")
local mrun, monitor = toy.mon_run, toy.monitor

-- ---- the truth, measured ----------------------------------------------------------

-- The probes: each is a piece of code around the instruction, `PRE` sets
-- up, `INSN` is the instruction, then `done:` where the run stops.
local PROBES = {
  rdpsw    = { insn = "rdpsw s0", out = "psw_reg" },
  wrpsw    = { pre = "li t0, 0x5a07", insn = "wrpsw t0", out = "psw" },
  rdcycle  = { pre = "mfcr t1, cpuid\n li t1, 0", insn = "rdcycle s0", out = "cycles" },
  mfcr     = { pre = "li t0, 77\n mtcr scratch, t0", insn = "mfcr s0, scratch", out = "reg" },
  mtcr     = { pre = "li t0, 91", insn = "mtcr scratch, t0\n mfcr s0, scratch", out = "reg" },
  rfe      = { pre = "la t0, done\n mtcr epc, t0\n li t0, 0x3300\n mtcr epsw, t0",
               insn = "rfe", out = "psw" },
  tlbflush = { insn = "tlbflush\n li s0, 5", out = "reg" },
  add      = { pre = "li t0, 40\n li t1, 2", insn = "add s0, t0, t1", out = "reg" },
}
local ORDER = { "rdpsw", "wrpsw", "rdcycle", "mfcr", "mtcr", "rfe", "tlbflush", "add" }

-- in ring 3, after an rfe: does INSN trap, and with what cause?  The
-- handler powers off with 100 + cause, the instruction's success with 0.
local function ring3_source(p)
  return ([[
        .equ POWER, 0xf0004000
_start: la    t0, handler
        mtcr  tvec, t0
        la    t0, user
        mtcr  epc, t0
        li    t0, 3
        mtcr  epsw, t0
        rfe
user:   %s
        li    a0, 0
        li    t1, POWER
        sw    a0, 0(t1)
1:      j     1b
        .align 4
handler:
%s
trap:   mfcr  a0, cause
        andi  a0, a0, 15
        addi  a0, a0, 100
        li    t1, POWER
        sw    a0, 0(t1)
2:      j     2b
]]):format(p.insn:match("^[^\n]*"),
    ("        j     trap\n"):rep(16))   -- the vector table: every cause
end

-- as a kernel in ring 0 (bare) or the monitor's guest kernel
local function kernel_source(p)
  return ([[
_start: %s
        %s
done:   j     done
]]):format(p.pre or "", p.insn)
end

local measured
local function measure(t)
  if measured then return measured end
  local m = {}
  for _, name in ipairs(ORDER) do
    local p, r = PROBES[name], {}
    for _, variant in ipairs({ "classic", "strict" }) do
      local x = vmlab.machine{ source = ring3_source(p), variant = variant, mem = "64K",
                               name = "probe-" .. name .. ".s" }
      x:run{ max_insns = 1000 }
      r[variant] = x.exit_code
      x:close()
    end
    r.privileged = r.classic == 104
    r.sensitive = r.strict == 104
    -- bare, then under the trap-and-emulate monitor (classic)
    local src = kernel_source(p)
    local x = vmlab.machine{ source = src, mem = "64K", name = "probe-" .. name .. ".s" }
    x:run{ max_insns = 1000, stop_at = { "insn", x:symbol("done") } }
    local mon = vmlab.monitor{ mode = "trap", variant = "classic",
                               vms = { { source = src, mem = "64K", name = "probe-" .. name .. ".s" } } }
    local vm = mon.vms[1]
    mon:run{ max_insns = 1000, stop_at = { "insn", vm:symbol("done") } }
    local d = {}
    local function fields(a, b)
      if a & 3 ~= b & 3 then d[#d + 1] = "ring" end
      if a & 4 ~= b & 4 then d[#d + 1] = "ie" end
      if a & 0xff00 ~= b & 0xff00 then d[#d + 1] = "flags" end
    end
    if p.out == "psw_reg" then fields(x.cpu.s0, vm.cpu.s0)
    elseif p.out == "psw" then fields(x.cpu.psw, vm.cpu.psw)
    elseif p.out == "cycles" then
      if x.cpu.s0 ~= vm.cpu.s0 then d[#d + 1] = "cycles" end
    elseif x.cpu.s0 ~= vm.cpu.s0 then d[#d + 1] = "value"
    end
    r.diverges = d
    x:close()
    mon:close()
    m[name] = r
  end
  measured = m
  return m
end

-- the student's findings, loaded once (sandboxed)
local findings, ferr = grade.student_lua("findings.lua", { insns = 100000 })

local function set_of(list)
  local s, n = {}, 0
  if type(list) ~= "table" then return nil end
  for _, v in ipairs(list) do
    if type(v) == "string" and not s[v] then s[v] = true; n = n + 1 end
  end
  return s, n
end

local function show_list(l)
  local c = {}
  for _, v in ipairs(l) do c[#c + 1] = tostring(v) end
  table.sort(c)
  return "{" .. table.concat(c, ", ") .. "}"
end

local function judge(t, names)
  if not findings then t:fail("findings.lua does not load: " .. tostring(ferr)) end
  local truth = measure(t)
  for _, name in ipairs(names) do
    local f, r = findings[name], truth[name]
    if type(f) ~= "table" then
      t:expect(false, ("findings.lua has no entry for %s"):format(name))
    else
      t:expect_eq(f.sensitive, r.sensitive, name .. ".sensitive (measured: "
        .. (r.strict == 104 and "traps" or "runs") .. " in ring 3 on the strict machine)")
      t:expect_eq(f.privileged, r.privileged, name .. ".privileged (measured: "
        .. (r.classic == 104 and "traps" or "runs") .. " in ring 3 on the classic machine)")
      local got, n = set_of(f.diverges)
      local want, wn = set_of(r.diverges)
      local same = got ~= nil and n == wn
      if same then for k in pairs(want) do same = same and got[k] == true end end
      t:expect(same, ("%s.diverges: expected %s, got %s"):format(name,
        show_list(r.diverges), type(f.diverges) == "table" and show_list(f.diverges)
        or tostring(f.diverges)), show_list(r.diverges), tostring(f.diverges))
    end
  end
end

group "findings"
test{ name = "rdpsw", points = 2, group = "findings", function(t) judge(t, { "rdpsw" }) end }
test{ name = "wrpsw", points = 2, group = "findings", function(t) judge(t, { "wrpsw" }) end }
test{ name = "rdcycle", points = 2, group = "findings", function(t) judge(t, { "rdcycle" }) end }
test{ name = "the privileged instructions", points = 2, group = "findings",
  function(t) judge(t, { "mfcr", "mtcr", "rfe", "tlbflush" }) end }
test{ name = "an innocuous instruction", points = 1, group = "findings",
  function(t) judge(t, { "add" }) end }

-- ---- the detector -------------------------------------------------------------------

group "detect"
test{ name = "bare metal: not detected", points = 1, group = "detect",
  budget = { insns = 200000 },
  function(t)
    for _, variant in ipairs({ "classic", "strict" }) do
      local x = t:boot(detect, { variant = variant, mem = "64K" })
      local why, d = t:run(x, { max_insns = 100000 })
      t:expect_eq(why, "poweroff", "detect.s on the bare " .. variant .. " machine stops by powering off")
      t:expect_eq(d and d.exit, 0, "its status on the bare " .. variant .. " machine")
    end
  end }

test{ name = "under the monitor: detected", points = 2, group = "detect",
  budget = { insns = 200000 }, after = "bare metal: not detected",
  function(t)
    if not detect.ok then t:fail("the build 'detect' failed, so this test cannot run") end
    local m = monitor(t, { mode = "trap", variant = "classic",
                           vms = { { image = detect.image, mem = "64K", seed = t.seed } } })
    mrun(t, m)
    local vm = m.vms[1]
    t:expect_eq(vm.state, "poweroff", "detect.s as a guest kernel (--vmm trap, classic) powers off")
    t:expect_eq(vm.exit_code, 1, "its status under the monitor")
  end }

-- ---- the paravirtual toyos ------------------------------------------------------------

-- console output of toyos bare (the lab's own) and of the student's
-- toyos-pv under --vmm pv, for the same input
local function bare_output(t, input, variant)
  local x = t:boot(bare, { variant = variant, mem = "4M" })
  t:send(x, input, true)
  t:run(x)
  return x:console(), x.exit_code
end

local function pv_output(t, input, variant)
  if not pv.ok then t:fail("the build 'toyos-pv' failed, so this test cannot run") end
  local m = monitor(t, { mode = "pv", variant = variant,
                         vms = { { image = pv.image, mem = "4M", seed = t.seed } } })
  m:send(0, input, true)
  local why = mrun(t, m)
  local vm = m.vms[1]
  if vm.state == "crashed" then t:note("toyos-pv crashed: " .. tostring(vm.reason)) end
  return m:console(0), vm.exit_code
end

local function same_output(t, input, variant)
  local want, wexit = bare_output(t, input, variant)
  local got, gexit = pv_output(t, input, variant)
  toy.expect_same_console(t, want, got, "toyos-pv (--vmm pv, " .. variant .. ")")
  t:expect_eq(gexit, wexit, "toyos-pv's exit status (bare toyos's)")
end

group "paravirtual"
test{ name = "selftest, classic", points = 3, group = "paravirtual",
  budget = { insns = 30000000 },
  function(t) same_output(t, "selftest\n", "classic") end }

test{ name = "selftest, strict", points = 1, group = "paravirtual",
  budget = { insns = 30000000 },
  function(t) same_output(t, "selftest\n", "strict") end }

test{ name = "programs", points = 2, group = "paravirtual",
  budget = { insns = 60000000 },
  function(t)
    same_output(t, "echo hi\nforkwait 5\npingpong 3\npreempt\n", "classic")
  end }
