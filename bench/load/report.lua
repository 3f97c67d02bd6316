-- Shared by the wrk scripts: counts replies by status in each thread, and at the end prints
-- one machine-readable line that bench/run_load reads. Latencies in microseconds, from wrk's
-- own histogram. (wrk runs setup/done in the main Lua state and request/response in one
-- state per thread; thread:get copies each thread's counts back.)
local report = {}
local threads = {}

function report.setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_id", #threads)
end

function report.response(status)
  statuses = statuses or {}
  statuses[status] = (statuses[status] or 0) + 1
end

function report.done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses") or {}
    for status, n in pairs(counts) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do parts[#parts + 1] = status .. ":" .. n end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d " ..
    "errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d errors_status=%d " ..
    "statuses=%s\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status, table.concat(parts, ",")))
end

return report
