-- grade.lua -- lab 03, paging: copy-on-write fork in toyos.  The student
-- owns cow.s (uvm_share, cow_fault), built into toyos with COW = 1
-- (toyos-cow.s).  The tests fork from the shell, make user-mode stores in
-- parent and child, and judge the page tables, the frames, the free-page
-- count and the values each process sees, all read from the machine;
-- then whole programs that fork (forkwait, pingpong, crash).
lab{ name = "03-paging", files = { "cow.s" } }

local os_build = grade.toyos{ replace = { "cow.s" }, main = "toyos-cow.s" }
local toy = dofile(grade.lab .. "/../os/grading.lua")
local K = toy.init(grade.lab .. "/../os")
local BUDGET = { insns = 1000000 }

local function hex(v) return ("0x%08x"):format(v) end
local function frame(pte) return pte & ~0xfff end

-- Fork from the shell with the timer stopped, after the shell stored
-- 0x0badf00d into a word of its stack page, f.va (so that its TLB holds
-- the page, writable).  Returns the machine and a table: the directories
-- of parent (slot 0) and child (slot 1), the free pages before and after,
-- the shell's pages before; the machine is at the fork's return in the
-- parent (the parent returns first: the child has not run yet).
local function fork(t)
  local x = toy.shell(t, os_build, { quiet = true })
  local va = (x.cpu.sp - 64) & ~3
  toy.store(t, x, va, 0x0badf00d)
  local f = { free0 = toy.free_pages(x), va = va }
  f.pdir = toy.proc(x, 0, "P_PDIR")
  f.pages0, f.tables = toy.user_pages(x, f.pdir)
  local pid = toy.syscall(t, x, K.SYS_FORK, 0, 0, 0, true)
  if pid <= 0 then t:fail("fork returned " .. pid .. " in the parent") end
  local slot = toy.current(x)
  t:expect_eq(slot, 0, "the process fork returned to first (the parent's slot)")
  f.child = 1
  t:expect_eq(toy.proc(x, 1, "P_PID"), pid, "slot 1's pid: the child fork returned")
  f.cpdir = toy.proc(x, 1, "P_PDIR")
  f.free1 = toy.free_pages(x)
  return x, f
end

-- switch to the other process: yield, until it runs (it returns from its
-- own fork or yield at the same place)
local function switch(t, x, to)
  toy.syscall(t, x, K.SYS_YIELD, 0, 0, 0, true)
  t:expect_eq(toy.current(x), to, "the process running after a yield (slot)")
end

group "fork"
test{ name = "fork shares every page", points = 3, group = "fork", budget = BUDGET,
  function(t)
    local x, f = fork(t)
    local n, bad = 0, nil
    for va, pte in pairs(f.pages0) do
      n = n + 1
      local p, c = toy.pte(x, f.pdir, va), toy.pte(x, f.cpdir, va)
      if not bad and (c & K.PTE_P == 0 or frame(c) ~= frame(p) or p & K.PTE_W ~= 0
                      or c & K.PTE_W ~= 0 or frame(p) ~= frame(pte)) then
        bad = ("page %s: parent's entry %s, child's %s (before fork %s)"):format(
          hex(va), hex(p), hex(c), hex(pte))
      end
    end
    toy.expect(t, bad == nil, "the pages after fork",
      "all shared: present in both, the same frame, PTE_W clear", bad)
    toy.expect(t, n >= 3, "the shell's user pages", ">= 3", n)
    -- the child costs its directory, its page tables and its kernel stack
    local want = 1 + f.tables + 1
    t:expect_eq(f.free0 - f.free1, want, ("pages fork took (a directory, %d page "
      .. "table(s), a kernel stack; the %d user pages are shared)"):format(f.tables, n))
  end }

group "copy on write"
local function written(t)
  -- the parent writes the word of its stack page it wrote before the fork
  local x, f = fork(t)
  local free = toy.free_pages(x)
  toy.store(t, x, f.va, 0x11111111)
  return x, f, f.va, 0x0badf00d, free
end

test{ name = "a write copies the page", points = 3, group = "copy on write",
  budget = BUDGET, after = "fork shares every page",
  function(t)
    local x, f, va, before, free = written(t)
    local p, c = toy.pte(x, f.pdir, va), toy.pte(x, f.cpdir, va)
    t:expect_eq(x.mem:read32(va), 0x11111111, "the parent's word after its store")
    toy.expect(t, p & K.PTE_W ~= 0, "the parent's entry after its store", "PTE_W set", hex(p))
    toy.expect(t, frame(p) ~= frame(c), "the parent's frame after its store",
             "a new one, not the child's " .. hex(frame(c)), hex(frame(p)))
    t:expect_eq(x.phys:read32(frame(c) + (va & 0xfff)), before,
                "the child's word (its frame) after the parent's store")
    t:expect_eq(free - toy.free_pages(x), 1, "pages the copy took")
  end }

test{ name = "the last user writes in place", points = 2, group = "copy on write",
  budget = BUDGET, after = "a write copies the page",
  function(t)
    local x, f, va, before = written(t)
    switch(t, x, f.child)
    t:expect_eq(x.mem:read32(va), before, "the child's word, as it sees it")
    local c0 = toy.pte(x, f.cpdir, va)
    local free = toy.free_pages(x)
    toy.store(t, x, va, 0x22222222)
    local c = toy.pte(x, f.cpdir, va)
    t:expect_eq(free - toy.free_pages(x), 0, "pages the child's store took (its "
      .. "frame has no other user now)")
    t:expect_eq(frame(c), frame(c0), "the child's frame after its store")
    toy.expect(t, c & K.PTE_W ~= 0, "the child's entry after its store", "PTE_W set", hex(c))
    t:expect_eq(x.mem:read32(va), 0x22222222, "the child's word")
    switch(t, x, 0)
    t:expect_eq(x.mem:read32(va), 0x11111111, "the parent's word")
  end }

test{ name = "the kernel writes a shared page", points = 2, group = "copy on write",
  budget = BUDGET, after = "fork shares every page",
  function(t)
    -- procinfo stores a record into ps_rec, a page both processes share
    local x, f = fork(t)
    local buf = x:symbol("ps_rec")
    local c0 = toy.pte(x, f.cpdir, buf)
    local old = x.phys:read(frame(c0) + (buf & 0xfff), K.PI_SIZE)
    t:expect_eq(toy.syscall(t, x, K.SYS_PROCINFO, 0, buf), 1, "procinfo(0, ps_rec)")
    t:expect_eq(x.mem:read32(buf + K.PI_PID), 1, "the parent's record.pid")
    local p, c = toy.pte(x, f.pdir, buf), toy.pte(x, f.cpdir, buf)
    toy.expect(t, frame(p) ~= frame(c), "the parent's frame of ps_rec",
             "its own copy", hex(frame(p)))
    toy.expect(t, x.phys:read(frame(c) + (buf & 0xfff), K.PI_SIZE) == old,
             "the child's ps_rec", "unchanged", "written by the parent's call")
  end }

group "programs"
-- Run shell commands; at every u_exit of a child of the shell, note its
-- status (what the program found); at the end, the free pages.
local function session(t, input)
  local x = toy.shell(t, os_build)
  local free0 = toy.free_pages(x)
  t:send(x, input, true)
  local statuses, uexit = {}, x:symbol("u_exit")
  while true do
    local why, d = t:run(x, { stop_at = { "insn", uexit } })
    if why ~= "event" then
      t:expect_eq(why, "poweroff", "the session ends with a power-off")
      t:expect_eq(d and d.exit, 0, "toyos's exit status")
      break
    end
    local slot, p = toy.current(x)
    local parent = x.phys:read32(p + K.P_PARENT)
    if parent ~= 0 and x.phys:read32(parent + K.P_PID) == 1 then
      statuses[#statuses + 1] = { x.phys:read(p + K.P_NAME, 12):match("^[^%z]*"), x.cpu.a0 }
    end
    if parent == 0 then   -- the shell exits: all is done
      t:expect_eq(toy.free_pages(x), free0, "free pages when the shell exits (as at its start)")
    end
  end
  return statuses
end

test{ name = "forkwait and pingpong", points = 2, group = "programs",
  budget = { insns = 6000000 },
  function(t)
    local st = session(t, "forkwait 12\npingpong 3\n")
    t:expect_eq(#st, 2, "programs that ran to their exit")
    for _, s in ipairs(st) do
      t:expect_eq(s[2], 0, s[1] .. "'s exit status (its own checks of fork)")
    end
  end }

test{ name = "crash: faults in shared pages", points = 2, group = "programs",
  budget = { insns = 6000000 },
  function(t)
    local st = session(t, "crash\n")
    t:expect_eq(#st, 1, "programs that ran to their exit")
    t:expect_eq(st[1] and st[1][2], 0, "crash's exit status (children killed, no page leaked)")
  end }
