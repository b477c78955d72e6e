-- try.lua -- run your scheduler (sched.lua) on compute-bound VMs, one per
-- weight, and print each VM's share of the guest instructions beside the
-- share its weight asks for:
--
--   vmlab script try.lua [W1 W2 ...]          (default: 1 2 3)
--
-- The grader measures the same way (vm:stats().guest_insns), and more.
local S = assert(loadfile("sched.lua"))()
local weights = {}
for i, a in ipairs({...}) do
  weights[i] = math.tointeger(tonumber(a))
  assert(weights[i] and weights[i] > 0, "weights are positive integers")
end
if #weights == 0 then weights = { 1, 2, 3 } end

local f = assert(io.open("guests/compute.s"))
local guest = f:read("a")
f:close()
local vms = {}
for i = 1, #weights do vms[i] = { source = guest, name = "compute.s", mem = "64K" } end
local mon = vmlab.monitor{ variant = "strict", slice = 20000, vms = vms }
S.init(weights)
local picks = 0
mon:schedule(function(ready, current)
  local by, view = {}, {}
  for _, vm in ipairs(ready) do by[vm.id] = vm end
  for i, vm in ipairs(mon.vms) do
    local state = by[vm.id] and "ready" or vm.state
    if state == "running" then state = "halted" end   -- as the grader says
    view[i] = { id = vm.id, state = state }
  end
  local id = S.pick(view, current and current.id)
  picks = picks + 1
  return assert(by[id], "pick returned " .. tostring(id) .. ", not a ready VM")
end)
mon:run{ max_insns = 20000000 }

local sum, total = 0, 0
for i, w in ipairs(weights) do
  sum = sum + w
  total = total + mon.vms[i]:stats().guest_insns
end
print(("%d picks; guest instructions per VM:"):format(picks))
print(("%-4s %8s %8s %8s"):format("vm", "weight", "wanted", "got"))
for i, w in ipairs(weights) do
  print(("vm%-2d %8d %7.1f%% %7.1f%%"):format(i - 1, w, 100 * w / sum,
        100 * mon.vms[i]:stats().guest_insns / total))
end
