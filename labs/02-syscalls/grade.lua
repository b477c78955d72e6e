-- grade.lua -- lab 02, system calls: toyos's procinfo(slot, buf) with its
-- argument checks.  The student owns syscall.s (toyos's, with sys_procinfo
-- to write).  Each test boots the student's toyos, stops in the shell's
-- first ring-3 instruction, and makes system calls from there: it sets
-- a0..a2, runs a `syscall` instruction of the user library, and judges the
-- result in a0, the record in user memory, and that kernel memory and the
-- kernel itself survived.  Nothing the kernel prints is believed.
lab{ name = "02-syscalls", files = { "syscall.s" } }

local os_build = grade.toyos{ replace = { "syscall.s" } }

local toy = dofile(grade.lab .. "/../os/grading.lua")
local K = toy.init(grade.lab .. "/../os")
local BUDGET = { insns = 400000 }

-- a 4-aligned buffer in the shell's stack page, below its arguments
local function stack_buf(x) return (x.cpu.sp - 256) & ~3 end

local function procinfo(t, x, slot, buf)
  return toy.syscall(t, x, K.SYS_PROCINFO, slot, buf)
end

group "records"
test{ name = "the shell's record", points = 3, group = "records", budget = BUDGET,
  function(t)
    local x = toy.shell(t, os_build)
    local buf = stack_buf(x)
    x.mem:write(buf, string.rep("\xee", K.PI_SIZE))
    t:expect_eq(procinfo(t, x, 0, buf), 1, "procinfo(0, buf): slot 0 is the shell")
    local p = x:symbol("proc_table")
    t:expect_eq(x.mem:read32(buf + K.PI_PID), 1, "record.pid")
    t:expect_eq(x.mem:read32(buf + K.PI_PPID), 0, "record.ppid")
    t:expect_eq(x.mem:read32(buf + K.PI_STATE), x.phys:read32(p + K.P_STATE),
                "record.state (the process table's)")
    t:expect_eq(x.mem:read(buf + K.PI_NAME, 3), "sh\0", "record.name")
    local pages = x.mem:read32(buf + K.PI_PAGES)
    toy.expect(t, pages >= 2 and pages < 64, "record.pages: a few pages", "2..63", pages)
  end }

test{ name = "a free slot", points = 2, group = "records", budget = BUDGET,
  function(t)
    local x = toy.shell(t, os_build)
    local buf = stack_buf(x)
    for slot = 1, K.NPROC - 1 do   -- the first wrong one is enough
      if not t:expect_eq(procinfo(t, x, slot, buf), 0,
                         ("procinfo(%d, buf): a free slot"):format(slot)) then break end
    end
  end }

test{ name = "every slot in use", points = 2, group = "records", budget = { insns = 1000000 },
  after = "the shell's record",
  function(t)
    -- the shell spawns `sleep` in the background 4 times: slots 1..4
    local x = t:boot(os_build, { mem = 4 * 1024 * 1024 })
    t:send(x, "sleep 50 &\nsleep 50 &\nsleep 50 &\nsleep 50 &\n")
    for _ = 1, 4 do t:run(x, { stop_at = { "insn", x:symbol("sh_background") } }) end
    t:run(x, { stop_at = { "insn", x:symbol("sh_loop") } })
    local buf = stack_buf(x)
    local p = x:symbol("proc_table")
    for slot = 0, 4 do
      local q = p + (slot << K.PROC_SHIFT)
      t:expect_eq(procinfo(t, x, slot, buf), 1, ("procinfo(%d, buf)"):format(slot))
      t:expect_eq(x.mem:read32(buf + K.PI_PID), x.phys:read32(q + K.P_PID),
                  ("slot %d: record.pid"):format(slot))
      t:expect_eq(x.mem:read32(buf + K.PI_PPID), slot == 0 and 0 or 1,
                  ("slot %d: record.ppid"):format(slot))
    end
  end }

group "bad arguments"
-- Each: the call's arguments, the error it must return, and a kernel
-- address range that must come out unchanged.
local function bad(name, points, slot, buf_of, want, what)
  test{ name = name, points = points, group = "bad arguments", budget = BUDGET,
    function(t)
      local x = toy.shell(t, os_build)
      local buf = buf_of(x)
      local kernel = x.phys:read(0x1000, 64)
      local r = procinfo(t, x, slot, buf)
      t:expect_eq(r, K[want], ("procinfo(%d, 0x%08x) %s: %s"):format(slot, buf & 0xffffffff,
        what, want))
      toy.expect(t, x.phys:read(0x1000, 64) == kernel, "the kernel's code at 0x1000",
               "unchanged", "overwritten")
      -- and the kernel lives on: the shell runs a program and powers off
      t:send(x, "hello\n", true)
      local why, d = t:run(x)
      t:expect_eq(why, "poweroff", "toyos powers off when the shell's input ends")
      t:expect_eq(d and d.exit, 0, "toyos's exit status")
    end }
end

bad("slot NPROC", 1, 16, stack_buf, "E_INVAL", "slot too big")
bad("slot -1", 1, -1, stack_buf, "E_INVAL", "a negative slot")
bad("misaligned buffer", 1, 0, function(x) return stack_buf(x) + 2 end, "E_FAULT", "misaligned")
bad("kernel buffer", 2, 0, function() return 0x1000 end, "E_FAULT", "kernel memory")
bad("null buffer", 1, 0, function() return 0 end, "E_FAULT", "page 0")
bad("unmapped buffer", 2, 0, function() return 0x60000000 end, "E_FAULT",
    "between the heap and the stack")
bad("buffer across USER_TOP", 2, 0, function() return K.USER_TOP - 16 end, "E_FAULT",
    "half above user space")
