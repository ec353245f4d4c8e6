-- wrk script: optional POST (BENCH_METHOD, BENCH_BODY, BENCH_CSRF) and one result line at the end.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local csrf = os.getenv("BENCH_CSRF")
wrk.method = method
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
if csrf and csrf ~= "" then
  wrk.headers["X-CSRFToken"] = csrf
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f p50=%.3f p95=%.3f errors=%d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, errors))
end
