-- grade.lua -- lab 05, shadow paging.  The student owns shadow_fill.c:
-- guest_walk (the rights check and the guest's A/D bits), shadow_pte (the
-- shadow entry a hidden fault fills) and pt_store (the store to a traced
-- page table).  It is linked into a vmlab of its own in place of
-- monitor/shadow_fill.c (labs/os/vmlab_c.lua), and graded by equivalence
-- on the strict machine: guests/matrix.s prints, for every PTE (P, W, U) x
-- ring x access, the trap that ended the access and the guest's PTE after
-- it, and a remapped page; toyos sessions run whole.  Bare metal and the
-- student's monitor must print the same.
lab{ name = "05-shadow", files = { "shadow_fill.c" } }

local OS = grade.lab .. "/../os"
local vc = dofile(OS .. "/vmlab_c.lua")(grade)
local matrix = grade.assemble{ main = "guests/matrix.s", name = "matrix" }
local toyos = grade.toyos{ name = "toyos" }
local cbuild = vc.build("shadow_fill.c")
local MX_MEM, OS_MEM = 1024 * 1024, 4 * 1024 * 1024
-- limits of the student's monitor, about twice the reference's needs
-- (matrix.s: 21 k instructions, 6.4 M cycles; toyos's demo 10.9 M, 280 M)
local MX = { insns = 60000, cycles = 15000000 }
local OSL = { insns = 16000000, cycles = 600000000 }

local mine
local function bare(...) return vc.bare(...) end

local function lines(text)
  local r = {}
  for l in (text .. "\n"):gmatch("([^\n]*)\n") do
    local i = l:match("^m (%x+) ")
    if i then r[tonumber(i, 16)] = l elseif l:find("^remap:") then r.remap = l end
  end
  return r
end

local ACC = { [0] = "read", "write", "fetch" }
local function describe(i)
  local bits, ring, acc = i // 6, (i % 6) // 3 == 1 and 3 or 0, i % 3
  local b = {}
  for k, n in pairs({ [1] = "P", [2] = "W", [4] = "U" }) do
    if bits & k ~= 0 then b[#b + 1] = n end
  end
  table.sort(b)
  return ("PTE %s, ring %d, %s"):format(#b > 0 and table.concat(b, " ") or "0", ring,
                                        ACC[acc])
end

-- compare the matrix lines of the cases `which` (numbers, or "remap")
local function check(t, which, hint)
  if not matrix.ok then t:fail("the build 'matrix' failed") end
  local want = lines(bare(t, matrix, MX_MEM).out)
  mine = mine or vc.run(t, cbuild, { image = matrix.image, mem = MX_MEM, insns = MX.insns,
                                     cycles = MX.cycles })
  local got, bad = lines(mine.out), 0
  for _, i in ipairs(which) do
    if want[i] ~= got[i] then
      bad = bad + 1
      if bad <= 3 then
        t:note((type(i) == "number" and describe(i) or "remapped page") .. ":")
        t:note("  bare metal:   " .. tostring(want[i]))
        t:note("  your monitor: " .. (got[i] or "(none: the guest stopped before it)"))
      end
    end
  end
  if bad > 0 then
    t:note("(a line: m CASE CAUSE BADVA PTE; " .. hint .. ")")
    if mine.msgs ~= "" then t:note("the monitor said: " .. mine.msgs) end
  end
  t:expect_eq(bad, 0, "cases of guests/matrix.s that differ from bare metal")
end

local function cases(pred)
  local r = {}
  for i = 0, 47 do if pred(i // 6, (i % 6) // 3 == 1, i % 3) then r[#r + 1] = i end end
  return r
end

group "matrix"
test{ name = "pages not present", points = 2, group = "matrix", budget = { insns = 100000 },
  function(t)
    check(t, cases(function(b) return b & 1 == 0 end), "a page fault, not present")
  end }
test{ name = "supervisor pages", points = 3, group = "matrix", budget = { insns = 100000 },
  function(t)
    check(t, cases(function(b) return b & 1 == 1 and b & 4 == 0 end),
          "ring 3 must fault even after the kernel used the page")
  end }
test{ name = "user pages", points = 3, group = "matrix", budget = { insns = 100000 },
  function(t)
    check(t, cases(function(b) return b & 5 == 5 end), "both rings may use them")
  end }
test{ name = "the dirty bit: a write after a read", points = 2, group = "matrix",
  budget = { insns = 100000 },
  function(t)
    check(t, cases(function(b, user, acc) return b & 3 == 3 and acc == 1 and
                                                 (b & 4 == 4 or not user) end),
          "the first write to a clean page must set D in the guest's PTE")
  end }
test{ name = "a page table written", points = 2, group = "matrix", budget = { insns = 100000 },
  function(t)
    check(t, { "remap" }, "TVA remapped from FA (0x1111) to FB (0x2222), then tlbflush")
  end }

group "toyos"
for _, s in ipairs({ { "the demo session", OS .. "/demo.txt", 3 },
                     { "fork and crash", grade.lab .. "/guests/fork.txt", 2 } }) do
  test{ name = "toyos: " .. s[1], points = s[3], group = "toyos",
    budget = { insns = 20000000 },
    function(t)
      if not toyos.ok then t:fail("the build 'toyos' failed") end
      local want = bare(t, toyos, OS_MEM, s[2])
      local got = vc.run(t, cbuild, { image = toyos.image, mem = OS_MEM, input = s[2],
                                      insns = OSL.insns, cycles = OSL.cycles })
      if want.out ~= got.out or want.exit ~= got.exit then
        local i = 1
        while want.out:sub(i, i) == got.out:sub(i, i) do i = i + 1 end
        local from = math.max(1, i - 40)
        t:note(("bare metal:   %q"):format(want.out:sub(from, i + 30)))
        t:note(("your monitor: %q"):format(got.out:sub(from, i + 30)))
        if got.msgs ~= "" then t:note("the monitor said: " .. got.msgs) end
      end
      t:expect(want.out == got.out, "toyos's console output is bare metal's")
      t:expect_eq(got.exit, want.exit, "toyos's exit status")
    end }
end
