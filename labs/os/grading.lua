-- grading.lua -- helpers for the graders of toyos labs (labs/02-syscalls,
-- labs/03-paging; docs/teaching.md).  A grade.lua loads them with
--
--   local toy = dofile(grade.lab .. "/../os/grading.lua")
--   local K = toy.init(grade.lab .. "/../os")      -- toyos.inc's constants
--
-- (the Gradescope and PrairieLearn bundles carry toyos beside the lab, so
-- the path holds there too).  They drive a booted toyos from outside: stop
-- in a user process, make system calls and user-mode stores from it, and
-- read the kernel's tables, so that a test judges what the kernel did, not
-- what it prints.
local M = {}

-- toyos's constants (`.equ NAME, NUMBER` lines of toyos.inc)
function M.constants(os_dir)
  local K = {}
  local f = assert(io.open(os_dir .. "/toyos.inc"))
  for name, v in f:read("a"):gmatch("%.equ%s+([%w_]+),%s*(%-?[%dx%x]+)") do
    K[name] = math.tointeger(tonumber(v)) or K[name]
  end
  f:close()
  return K
end

local K
function M.init(os_dir)
  K = M.constants(os_dir)
  M.K = K
  return K
end

-- Boot build `b` and stop at the shell's first instruction: ring 3, process
-- 1 current.  opts.quiet stops the timer there, so no tick preempts what the
-- test does next (nothing then sleeps on time).
function M.shell(t, b, opts)
  opts = opts or {}
  local x = t:boot(b, { mem = opts.mem or 4 * 1024 * 1024 })
  local why = t:run(x, { stop_at = { "insn", x:symbol("prog_sh") } })
  if why ~= "event" then t:fail("toyos did not start its shell (" .. why .. ")") end
  if opts.quiet then
    x.dev.timer:write(0x00, 0)      -- CTRL: stop
    x.dev.timer:write(0x08, 1)      -- STATUS: clear a tick already due
  end
  return x
end

-- the address in user space of the first user-image word equal to `word`
-- (instructions the grader runs in a process: found, not assumed)
local function user_insn(t, x, word)
  local s, e = x:symbol("ubin_start"), x:symbol("ubin_end")
  for pa = s, e - 4, 4 do
    if x.phys:read32(pa) == word then return K.USER_BASE + (pa - s) end
  end
  t:fail(("no instruction 0x%08x in the user image"):format(word))
end

-- Run the user instruction `word` in the current process with registers
-- `regs`, until the instruction after it; returns the machine's a0 then.
-- Registers and pc are put back unless keep.
local function run_insn(t, x, word, regs, what, keep)
  local at = user_insn(t, x, word)
  local saved, pc = {}, x.cpu.pc
  for r = 1, 15 do saved[r] = x.cpu:reg(r) end
  for r, v in pairs(regs) do x.cpu[r] = v & 0xffffffff end
  x.cpu.pc = at
  local why, d = t:run(x, { max_insns = 200000, stop_at = { "insn", at + 4 } })
  if why ~= "event" then
    t:expect_output(x, {}, { no = { "panic", "kernel trap" }, what = "the console" })
    t:fail(("%s did not return: the machine stopped (%s%s)"):format(what, why,
      d and d.exit and (", exit status " .. d.exit) or ""))
  end
  local r = x.cpu.a0
  if not keep then
    for i = 1, 15 do x.cpu:set_reg(i, saved[i]) end
    x.cpu.pc = pc
  end
  return r
end

-- System call `num` (a1, a2, a3) from the current process: its result, as
-- a signed number.  keep: leave pc after the `syscall` (a fork's two
-- processes both return there).
function M.syscall(t, x, num, a1, a2, a3, keep)
  local what = ("the system call (%d, 0x%08x, 0x%08x)"):format(num, (a1 or 0) & 0xffffffff,
    (a2 or 0) & 0xffffffff)
  local r = run_insn(t, x, 0x60000000, { a0 = num, a1 = a1 or 0, a2 = a2 or 0, a3 = a3 or 0 },
    what, keep)
  return r >= 0x80000000 and r - 0x100000000 or r
end

-- A user-mode store of `value` to `va` from the current process (`sw t0,
-- 0(t1)`): it takes the page faults a program's store would.
function M.store(t, x, va, value)
  run_insn(t, x, 0x38560000, { t0 = value, t1 = va },
    ("a user store to 0x%08x"):format(va))
end

-- the running process's slot and struct proc address
function M.current(x)
  local p = x.phys:read32(x:symbol("current"))
  return (p - x:symbol("proc_table")) >> K.PROC_SHIFT, p
end

-- slot's struct proc field (P_PID, P_PDIR, ...)
function M.proc(x, slot, field)
  return x.phys:read32(x:symbol("proc_table") + (slot << K.PROC_SHIFT) + K[field])
end

-- t:expect with what was wanted and seen in the message itself (the text
-- report shows a failed check's message only)
function M.expect(t, cond, what, want, got)
  return t:expect(cond, ("%s: expected %s, got %s"):format(what, tostring(want),
    tostring(got)), want, got)
end

function M.free_pages(x) return x.phys:read32(x:symbol("free_count")) end

-- the page-table entry for va in directory pdir (read from RAM as the
-- hardware walks it), or 0 when there is no page table
function M.pte(x, pdir, va)
  local pde = x.phys:read32(pdir + (va >> 22) * 4)
  if pde & K.PTE_P == 0 then return 0 end
  return x.phys:read32((pde & ~0xfff) + ((va >> 12) & 0x3ff) * 4)
end

-- every present user page of directory pdir: { [va] = pte }, and how many
-- user page tables it has
function M.user_pages(x, pdir)
  local pages, tables = {}, 0
  for d = K.USER_BASE >> 22, (K.USER_TOP >> 22) - 1 do
    local pde = x.phys:read32(pdir + d * 4)
    if pde & K.PTE_P ~= 0 then
      tables = tables + 1
      local pt = pde & ~0xfff
      for i = 0, 1023 do
        local pte = x.phys:read32(pt + i * 4)
        if pte & K.PTE_P ~= 0 then pages[(d << 22) | (i << 12)] = pte end
      end
    end
  end
  return pages, tables
end

-- ---- under a monitor (labs 06, 07) --------------------------------------------

-- A monitor (vmlab.monitor{...}) that the test closes when it ends.
function M.monitor(t, spec)
  local m = vmlab.monitor(spec)
  t.machines[#t.machines + 1] = m
  return m
end

-- Run monitor m until it stops, within the test's instruction budget (what
-- t:run does for a machine); running out fails the test and shows the end
-- of VM 0's console.
function M.mon_run(t, m)
  local cpu = m.machine.cpu
  while true do
    local left = t.budget.insns - t.used
    if left <= 0 then
      t:fail(("the instruction budget of %d ran out (an endless loop?); the "
        .. "guest's console ends with:\n%s"):format(t.budget.insns, m:console(0):sub(-160)))
    end
    local before = cpu.instret
    local why, d = m:run{ max_insns = math.min(left, 2000000) }
    t.used = t.used + math.max(cpu.instret - before, 1)
    if why ~= "limit" then return why, d end
  end
end

-- Console `got` must be `want`, line for line: a failure names the first
-- line that differs (`what` names got's side, e.g. "toyos-pv (--vmm pv)").
function M.expect_same_console(t, want, got, what)
  local la, lb = {}, {}
  for l in (want .. "\n"):gmatch("([^\n]*)\n") do la[#la + 1] = l end
  for l in (got .. "\n"):gmatch("([^\n]*)\n") do lb[#lb + 1] = l end
  for i = 1, math.max(#la, #lb) do
    if la[i] ~= lb[i] then
      local w, g = la[i] or "(nothing)", lb[i] or "(nothing)"
      return t:expect(false, ("%s differs from bare toyos at line %d:\n    bare: %s\n"
        .. "    got:  %s"):format(what, i, w, g), w, g)
    end
  end
  return true
end

return M
