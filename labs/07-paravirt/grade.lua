-- grade.lua -- lab 07, paravirtualization: toyos-pvb's page-table writes
-- go through the monitor's mmu_update; the student's pvmmu.s batches them
-- in lazy MMU mode.  Every test runs toyos-pvb under the pv monitor
-- (classic machine) with a policy on the hypercall exit that counts the
-- calls by number and mmu_update's entries, then lets the monitor do its
-- own work; the outputs are compared with the lab's bare toyos, and the
-- exits with what the same run would cost unbatched (one mmu_update per
-- entry: calls - mmu_update calls + entries).
lab{ name = "07-paravirt", files = { "pvmmu.s" } }

local pvb = grade.toyos{ replace = { "pvmmu.s" }, main = "toyos-pvb.s", name = "toyos-pvb" }
local bare = grade.toyos{ replace = {}, name = "toyos" }   -- the lab's own toyos
local toy = dofile(grade.lab .. "/../os/grading.lua")
local K = toy.init(grade.lab .. "/../os")
local HC_MMU_UPDATE, EPERM = 1, -1

-- toyos-pvb under the pv monitor with console input `input`; returns the
-- VM, its console and the counts {calls, mmu, entries, largest}; `policy`
-- (optional) sees each hypercall first and may answer for the monitor
local function run_pv(t, input, o)
  o = o or {}
  if not pvb.ok then t:fail("the build 'toyos-pvb' failed, so this test cannot run") end
  local m = toy.monitor(t, { mode = "pv", variant = "classic",
                            vms = { { image = pvb.image, mem = o.mem or "4M", seed = t.seed } } })
  local n = { calls = 0, mmu = 0, entries = 0, largest = 0 }
  m:handle("hypercall", function(vm, cpu, insn)
    n.calls = n.calls + 1
    if cpu.t0 == HC_MMU_UPDATE then
      n.mmu = n.mmu + 1
      n.entries = n.entries + cpu.a1
      n.largest = math.max(n.largest, cpu.a1)
    end
    if o.policy then return o.policy(vm, cpu, insn, m) end
    return "default"
  end)
  m:send(0, input, true)
  toy.mon_run(t, m)
  local vm = m.vms[1]
  if vm.state == "crashed" then t:note("toyos-pvb crashed: " .. tostring(vm.reason)) end
  return vm, m:console(0), n
end

local function bare_output(t, input, mem)
  local x = t:boot(bare, { mem = mem or "4M" })
  t:send(x, input, true)
  t:run(x)
  return x:console(), x.exit_code
end

-- toyos-pvb prints what bare toyos prints; returns the VM and the counts
local function same_output(t, input, mem)
  local want, wexit = bare_output(t, input, mem)
  local vm, got, n = run_pv(t, input, { mem = mem })
  toy.expect_same_console(t, want, got, "toyos-pvb (--vmm pv)")
  t:expect_eq(vm.exit_code, wexit, "toyos-pvb's exit status (bare toyos's)")
  return vm, n
end

group "correctness"
test{ name = "boot and selftest", points = 1, group = "correctness",
  budget = { insns = 6000000 },
  function(t) same_output(t, "selftest\n") end }

test{ name = "fork, exit, wait", after = "boot and selftest", points = 2, group = "correctness",
  budget = { insns = 4000000 },
  function(t) same_output(t, "forkwait 10\npingpong 3\necho done\n") end }

test{ name = "crashing children", after = "boot and selftest", points = 1, group = "correctness",
  budget = { insns = 4000000 },
  function(t) same_output(t, "crash\n") end }

test{ name = "out of memory", after = "boot and selftest", points = 1, group = "correctness",
  budget = { insns = 12000000 },
  function(t)
    -- 160 KiB: the third compute, then forks half-way through uvm_copy, fail
    same_output(t, ("compute 20000 &\n"):rep(6) .. "forkwait 3\nwait\nforkwait 3\n", "160K")
  end }

test{ name = "the batch stays in its buffer", after = "boot and selftest", points = 1, group = "correctness",
  budget = { insns = 2000000 },
  function(t)
    local vm = run_pv(t, "forkwait 3\n")
    t:expect_eq(vm.phys:read32(vm:symbol("pv_batch_guard")), 0x600dba7c,
      ("the word after pv_batch's %d entries (pv_batch_guard): written, so the "
       .. "batch overflowed"):format(32))
  end }

test{ name = "a refused entry is not ignored", points = 1, group = "correctness",
  budget = { insns = 2000000 }, after = "boot and selftest",
  function(t)
    -- a hostile monitor: once the shell has prompted, refuse every entry
    local vm, out = run_pv(t, "forkwait 1\n", { policy = function(vm, cpu, insn, m)
      if cpu.t0 ~= HC_MMU_UPDATE or cpu.a1 < 1 or not m:console(0):find("$ ", 1, true) then
        return "default"
      end
      for i = 0, cpu.a1 - 1 do vm.phys:write32(cpu.a0 + 12 * i + 8, EPERM & 0xffffffff) end
      cpu.t0 = cpu.a1
      cpu.pc = insn.pc + 4
      return "handled"
    end, mem = "4M" })
    t:expect(out:find("panic", 1, true) ~= nil,
      "after a refused mmu_update the kernel stops (panic), it does not run on "
      .. "with entries missing", "a panic", out:sub(-200))
  end }

group "exits"
-- page-table hypercalls per fork: forkwait N (fork, the child's exit,
-- wait) against forkwait 1, over the N - 1 more forks; unbatched, each
-- entry would be an mmu_update of its own
local FORKS = 10
test{ name = "mmu_update calls per fork", after = "boot and selftest", points = 4, group = "exits",
  budget = { insns = 5000000 },
  function(t)
    local _, n1 = same_output(t, "forkwait 1\n")
    local _, n2 = same_output(t, ("forkwait %d\n"):format(FORKS + 1))
    local calls = (n2.mmu - n1.mmu) / FORKS
    local entries = (n2.entries - n1.entries) / FORKS
    local all = (n2.calls - n1.calls) / FORKS
    t:note(("per fork: %.1f mmu_update calls for %.1f entries; %.1f hypercalls "
      .. "in all (unbatched: %.1f)"):format(calls, entries, all, all - calls + entries))
    t:expect(calls * 2.5 <= entries, ("mmu_update calls per fork: %.1f for %.1f "
      .. "entries: want at most one per 2.5 entries"):format(calls, entries),
      ("<= %.1f"):format(entries / 2.5), ("%.1f"):format(calls))
  end }

test{ name = "full batches at boot", after = "boot and selftest", points = 2, group = "exits",
  budget = { insns = 1000000 },
  function(t)
    -- kvm_init maps all of RAM in lazy mode: 1024 entries for 4 MiB
    local vm, _, n = run_pv(t, "exit\n")
    t:expect(n.largest == 32, ("the largest mmu_update carried %d entries: "
      .. "a full batch is pv_batch's 32"):format(n.largest), 32, n.largest)
    t:expect(n.entries >= 1024 and n.mmu * 16 <= n.entries,
      ("mmu_update calls: %d for %d entries, want at least 16 entries a call")
      :format(n.mmu, n.entries), ">= 16", n.mmu > 0 and n.entries // n.mmu or 0)
  end }
