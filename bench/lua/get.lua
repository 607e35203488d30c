-- GET a random path from a file (one path per line), e.g. item details or filtered lists.
-- Usage: wrk ... -s get.lua http://127.0.0.1:PORT -- PATHS_FILE
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local paths = {}
function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("no paths in " .. args[1]) end
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
