-- ArgoCD health check for relnotes.io/ReleaseNote.
-- Healthy: the Ready condition is True for the current spec (status.observedGeneration equals
-- metadata.generation). Progressing: no status yet, the spec changed since the operator last
-- looked (stale), or the operator is still drafting or retrying. Degraded: phase Failed, with
-- the Ready condition's message (what failed and why).
local hs = {}

local function ready_condition(status)
  if status == nil or status.conditions == nil then
    return nil
  end
  for _, condition in ipairs(status.conditions) do
    if condition.type == "Ready" then
      return condition
    end
  end
  return nil
end

local status = obj.status
local ready = ready_condition(status)
if status == nil or ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to draft the note"
  return hs
end

local generation = obj.metadata.generation
if generation ~= nil and status.observedGeneration ~= generation then
  hs.status = "Progressing"
  hs.message = "Spec generation " .. tostring(generation) .. " not observed yet (status is for "
    .. tostring(status.observedGeneration) .. ")"
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "the release note is ready"
  return hs
end

if status.phase == "Failed" then
  hs.status = "Degraded"
  hs.message = ready.message or "the release note failed"
  return hs
end

hs.status = "Progressing"
if status.phase == "Retrying" then
  hs.message = "Retrying: " .. (ready.message or "")
else
  hs.message = ready.message or "Drafting the note"
end
return hs
