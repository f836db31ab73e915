-- The outside-client check of proof serving (docs/BENCHMARKS.md, "Issue 20"): each request asks
-- GET /api/v1/proof/{contest}/{tps} for a path drawn at random from a list, one request path a line, which bench/Sender
-- writes from the registry:
--
--   dotnet bench/Sender/bin/Release/net10.0/KpuOrleans.Bench.Sender.dll --target URL --proofs 1 --dump /tmp/paths.txt
--   wrk -t2 -c64 -d30s --timeout 30s --latency -s bench/wrk/proofs.lua URL -- /tmp/paths.txt
--
-- (--regions and --contest narrow the list; a list of one line asks the same proof again and again.) wrk's own summary
-- counts every answer; the last line, "wrk-proofs: {json}", splits them into 200s, 503s (more proofs in flight than
-- Proofs:MaxConcurrent, or the path kept moving) and others, with the bytes of the 200s.
local threads, made = {}, 0
function setup(thread)
  thread:set("id", made)
  made = made + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("no paths in " .. args[1]) end
  math.randomseed(os.time() + id * 7919)
  proved, busy, other, bytes, largest = 0, 0, 0, 0, 0
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], { ["Accept"] = "application/json" })
end

function response(status, headers, body)
  if status == 200 then
    proved = proved + 1
    bytes = bytes + #body
    if #body > largest then largest = #body end
  elseif status == 503 then
    busy = busy + 1
  else
    other = other + 1
    if other <= 3 then io.write("wrk-proofs: answered ", status, ": ", body:sub(1, 400), "\n") end
  end
end

function done(summary, latency, requests)
  local ok, unavailable, failed, sum, top = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("proved")
    unavailable = unavailable + thread:get("busy")
    failed = failed + thread:get("other")
    sum = sum + thread:get("bytes")
    top = math.max(top, thread:get("largest"))
  end
  local seconds = summary.duration / 1e6
  local function ms(microseconds) return microseconds / 1000 end
  io.write(string.format(
    'wrk-proofs: {"client":"wrk","requests":%d,"proved":%d,"busy503":%d,"other":%d,"seconds":%.3f,"provedPerSecond":%.1f,' ..
    '"latencyMs":{"p50":%.2f,"p90":%.2f,"p99":%.2f,"max":%.2f},"meanBytes":%.0f,"largestBytes":%d,"socketErrors":%d}\n',
    summary.requests, ok, unavailable, failed, seconds, ok / seconds,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency.max),
    ok > 0 and sum / ok or 0, top,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
