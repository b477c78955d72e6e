-- sched.lua -- lab 08: a proportional-share scheduler for the monitor's
-- VMs (stride scheduling: Waldspurger and Weihl, 1995).
--
-- The grader loads this file in a sandbox and calls
--
--   S.init(weights)       once, before the VMs run: weights[i] is the
--                         weight of VM i-1 (a positive integer, up to 2^20)
--   S.pick(vms, current)  whenever the monitor chooses a VM (a time slice
--                         ended, the running VM halted or ended, the
--                         start): vms[i] = {id = i-1, state = ...} for every
--                         VM, state "ready", "halted" (waiting for an
--                         interrupt), "poweroff" or "crashed"; current is
--                         the id of the VM that ran last (nil at the start).
--                         Return the id of a ready VM: it runs one slice.
--
-- Every slice is the same length, so a VM's share of the CPU is its share
-- of the picks: VM i must be picked weights[i] / sum(weights) of the time
-- among the VMs that are ready.

local S = {}

-- BEGIN SOLUTION TODO: the scheduler's state (a pass and a stride per VM)
-- stride = STRIDE1 // weight: with STRIDE1 = 2^40 the stride of a weight
-- up to 2^20 is at least 2^20, never 0 and exact to a millionth; and a
-- pass grows by at most 2^40 a pick, far from 2^63 in any run.
local STRIDE1 = 1 << 40
local pass, stride = {}, {}
local away = {}      -- VMs not ready at some pick since they last ran
-- END SOLUTION

function S.init(weights)
  -- BEGIN SOLUTION TODO: give each VM its stride and a starting pass
  for i, w in ipairs(weights) do
    stride[i - 1] = STRIDE1 // w
    pass[i - 1] = 0
  end
  -- END SOLUTION
end

function S.pick(vms, current)
  -- BEGIN SOLUTION TODO: a VM back from a halt starts at the smallest pass of the others
  -- A VM back from a halt must not have saved up: its pass is where it
  -- was when it stopped, behind the others', and it would run alone until
  -- it caught up.  It starts again at the smallest pass of the others.
  local min
  for _, vm in ipairs(vms) do
    if vm.state == "ready" and not away[vm.id] and (not min or pass[vm.id] < min) then
      min = pass[vm.id]
    end
  end
  for _, vm in ipairs(vms) do
    if vm.state ~= "ready" then
      away[vm.id] = true
    elseif away[vm.id] then
      away[vm.id] = nil
      if min and pass[vm.id] < min then pass[vm.id] = min end
    end
  end
  -- END SOLUTION
  -- BEGIN SOLUTION TODO: pick the ready VM with the smallest pass; advance its pass
  -- the ready VM with the smallest pass (the lower id on a tie)
  local best
  for _, vm in ipairs(vms) do
    if vm.state == "ready" and (not best or pass[vm.id] < pass[best]) then
      best = vm.id
    end
  end
  if best then
    pass[best] = pass[best] + stride[best]
    return best
  end
  -- END SOLUTION
  -- (the starter's choice: the first ready VM; valid, but ignores weights)
  for _, vm in ipairs(vms) do
    if vm.state == "ready" then return vm.id end
  end
end

return S
