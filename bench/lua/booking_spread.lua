-- POST /api/v1/bookings spread over many items and windows: a random item, a random weekday
-- within the next DAYS days (starting at BASE_EPOCH, midnight UTC), a start hour 06-17 UTC and
-- 1-3 hours, by a random customer. The seeded items have no opening hours (always open) and no
-- lead time, so every window is valid; 409 (slot_taken) happens only when the units are gone.
-- Usage: wrk ... -s booking_spread.lua URL -- IDS_FILE TOKENS_FILE BASE_EPOCH DAYS
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local ids, tokens = {}, {}
local base, days

local function lines(file, into)
  for line in io.lines(file) do
    if line ~= "" then into[#into + 1] = line end
  end
  if #into == 0 then error("nothing in " .. file) end
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
  lines(args[1], ids)
  lines(args[2], tokens)
  base = tonumber(args[3])
  days = tonumber(args[4])
end

function request()
  local day = base + 86400 * math.random(0, days - 1)
  local wday = os.date("!*t", day).wday -- 1 = Sunday, 7 = Saturday
  if wday == 1 then day = day + 86400 elseif wday == 7 then day = day + 2 * 86400 end
  local start = day + 3600 * math.random(6, 17)
  local finish = start + 3600 * math.random(1, 3)
  local body = string.format('{"equipment_id":"%s","start":"%s","end":"%s","quantity":1}',
    ids[math.random(#ids)], os.date("!%Y-%m-%dT%H:%M:%SZ", start), os.date("!%Y-%m-%dT%H:%M:%SZ", finish))
  return wrk.format("POST", "/api/v1/bookings", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
  }, body)
end
