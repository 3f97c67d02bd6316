-- Reads with a large database: the inbox (first page) and single tickets, alternating.
-- CLUE_ROUTER_BENCH_KEY is a staff key of the recipient; CLUE_ROUTER_BENCH_TICKETS a
-- comma-separated list of ticket ids to read.
package.path = (os.getenv("CLUE_ROUTER_BENCH_DIR") or "bench/load") .. "/?.lua;" .. package.path
local report = require("report")
local key = os.getenv("CLUE_ROUTER_BENCH_KEY") or error("CLUE_ROUTER_BENCH_KEY is not set")
local tickets = {}
for id in string.gmatch(os.getenv("CLUE_ROUTER_BENCH_TICKETS") or "", "[^,]+") do
  tickets[#tickets + 1] = id
end
local mode = os.getenv("CLUE_ROUTER_BENCH_READ") or "inbox"
local n = 0
setup = report.setup
request = function()
  n = n + 1
  local path
  if mode == "inbox" then
    path = "/v1/tickets?box=inbox&status=pending&limit=50"
  else
    path = "/v1/tickets/" .. tickets[(n % #tickets) + 1]
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. key })
end
response = report.response
done = report.done
