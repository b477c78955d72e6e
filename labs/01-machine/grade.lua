-- grade.lua -- lab 01, the machine: a trap handler that emulates `mac`.
-- The student owns mac.s; harness/harness.s (the lab's) includes it.  Every test
-- boots the harness, points user_entry at a ring-3 test program, sets
-- registers, runs until the program's final syscall reaches `done`, and
-- judges the registers and the handler's counters: nothing it prints.
lab{ name = "01-machine", files = { "mac.s" } }

local prog = grade.assemble{ main = "harness/harness.s", name = "harness" }
local BUDGET = { insns = 20000 }

-- Run user program `entry` in ring 3 with registers `regs` set first;
-- true when it reached its syscall.
local function run_user(t, entry, regs)
  local x = t:boot(prog)
  x.phys:write32(x:symbol("user_entry"), x:symbol(entry))
  -- let _start reach rfe, then set the user's registers
  t:run(x, { stop_at = { "insn", x:symbol("vectors") - 4 } })
  for r, v in pairs(regs or {}) do x.cpu[r] = v end
  local why, d = t:run(x, { max_insns = 5000, stop_at = { "insn", x:symbol("done") } })
  if why == "limit" then
    t:fail(("%s did not reach its syscall in 5000 steps; the last trap came "
      .. "from 0x%08x: does the handler return past the word (epc + 4)?"):format(
      entry, x.cpu.cr.epc))
  end
  if why ~= "event" then
    t:fail(("%s stopped before its syscall (%s, exit %s): a trap the "
      .. "handler caused itself?"):format(entry, why, tostring(d and d.exit)))
  end
  return x
end

local function word(x, name) return x.phys:read32(x:symbol(name)) end

group "emulate"
test{ name = "dot product", points = 2, group = "emulate", budget = BUDGET,
  function(t)
    local x = run_user(t, "user_main")
    t:expect_reg(x, "a0", 70)
    t:expect_eq(word(x, "mac_count"), 4, "mac_count after 4 macs")
  end }

test{ name = "fields decoded", points = 2, group = "emulate", budget = BUDGET,
  function(t)
    -- t3 = 1000 + 7 * 9 = 1063, distinct values everywhere else
    local x = run_user(t, "t_one", { t3 = 1000, s1 = 7, s2 = 9, t1 = 3, t2 = 5 })
    t:expect_reg(x, "t3", 1063)
    t:expect_reg(x, "s1", 7)
    t:expect_reg(x, "s2", 9)
  end }

test{ name = "wraps like mul", points = 1, group = "emulate", budget = BUDGET,
  function(t)
    local x = run_user(t, "t_one", { t3 = 5, s1 = 0x10000, s2 = 0x10001 })
    t:expect_reg(x, "t3", 5 + 0x10000)   -- 0x1_0001_0000 keeps its low 32 bits
  end }

group "registers"
local NAMES = { "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t4",
                "s0", "s3", "sp", "ra" }
test{ name = "other registers kept", points = 2, group = "registers", budget = BUDGET,
  function(t)
    local regs = { t3 = 1, s1 = 2, s2 = 3 }
    for i, r in ipairs(NAMES) do regs[r] = 0x1000 * i + i end
    local x = run_user(t, "t_one", regs)
    for i, r in ipairs(NAMES) do t:expect_reg(x, r, 0x1000 * i + i) end
    t:expect_eq(x.cpu.cr.epsw & 3, 3, "the ring the syscall came from (epsw)")
  end }

test{ name = "sp, ra, t0 and r0 as operands", points = 2, group = "registers",
  budget = BUDGET, after = "fields decoded",
  function(t)
    -- sp = 100 + 2*3 = 106; ra = 10 + 106*3 = 328; t0 = 2 + 2*2 = 6
    local x = run_user(t, "t_sp", { sp = 100, t0 = 2, t1 = 3, ra = 10 })
    t:expect_reg(x, "sp", 106)
    t:expect_reg(x, "ra", 328)
    t:expect_reg(x, "t0", 6)
    t:expect_reg(x, "t1", 3)
    t:expect_eq(word(x, "mac_count"), 4, "mac_count after 4 macs")
  end }

group "count"
test{ name = "other illegal words skipped", points = 2, group = "count",
  budget = BUDGET,
  function(t)
    local x = run_user(t, "t_unknown")
    t:expect_reg(x, "a0", 12)
    t:expect_eq(word(x, "bad_count"), 2, "bad_count (an unknown word and a hypercall)")
    t:expect_eq(word(x, "mac_count"), 1, "mac_count")
  end }
