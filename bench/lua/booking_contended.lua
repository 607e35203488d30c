-- POST /api/v1/bookings, every request for the same unit-quantity item and window, by random
-- customers: the first wins (201), the rest are refused (409 slot_taken).
-- Usage: wrk ... -s booking_contended.lua URL -- TOKENS_FILE ITEM_ID START END
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local tokens = {}
local body

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
  for line in io.lines(args[1]) do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
  if #tokens == 0 then error("no tokens in " .. args[1]) end
  body = string.format('{"equipment_id":"%s","start":"%s","end":"%s","quantity":1}', args[2], args[3], args[4])
end

function request()
  return wrk.format("POST", "/api/v1/bookings", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
  }, body)
end
