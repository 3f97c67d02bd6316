-- The ceiling: the server's cheapest endpoint under the same load as intake.
package.path = (os.getenv("CLUE_ROUTER_BENCH_DIR") or "bench/load") .. "/?.lua;" .. package.path
local report = require("report")
wrk.method = "GET"
wrk.path = "/healthz"
setup = report.setup
response = report.response
done = report.done
