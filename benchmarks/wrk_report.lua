-- wrk's report as one JSON line: requests per second, latency percentiles (ms) and the
-- failed requests (connection errors, timeouts and answers other than 2xx or 3xx).
-- WRK_METHOD, WRK_BODY and WRK_CONTENT_TYPE (environment) make it send a POST.
local method = os.getenv("WRK_METHOD")
if method then
  wrk.method = method
  wrk.body = os.getenv("WRK_BODY")
  wrk.headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE")
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "rps": %.1f, "p50": %.1f, "p95": %.1f, "p99": %.1f, "errors": %d}\n',
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.status + e.connect + e.read + e.write + e.timeout))
end
