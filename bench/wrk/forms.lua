-- The outside-client check (docs/BENCHMARKS.md, "What each row measures"): wrk sends the benchmark's own forms, the
-- requests bench/Sender builds (its --dump file: one line per form, "token<TAB>body"), each form once, and reports
-- forms/s from its first request to its last answer. bench/run --only wrk-durable-single runs it against the durable
-- system; by hand:
--
--   dotnet bench/Sender/bin/Release/net10.0/KpuOrleans.Bench.Sender.dll --target URL --token-key KEY --dump /tmp/forms.tsv
--   wrk -t2 -c64 -d600s --timeout 30s --latency -s bench/wrk/forms.lua URL/api/v1/results -- /tmp/forms.tsv 2
--
-- The two arguments after "--" are the dump and the thread count (-t): thread i sends forms i, i+t, i+2t, ... and stops
-- once every one of them is answered. wrk itself stops at -d or on SIGINT (which bench/run sends once every thread has
-- printed "wrk-forms: thread done"); the figures are the last line, "wrk-forms: {json}". While a thread's last forms
-- are in flight, its other connections send GET /api/v1/contests, one a second each (answered 200, not counted as
-- forms; they are in wrk's latency figures, a few dozen among the forms).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } kpu_timespec;
int clock_gettime(int clock, kpu_timespec *t);
]]
local monotonic = ffi.new("kpu_timespec")
local function now()
  ffi.C.clock_gettime(1, monotonic) -- CLOCK_MONOTONIC
  return tonumber(monotonic.tv_sec) + tonumber(monotonic.tv_nsec) / 1e9
end

local threads, made = {}, 0
function setup(thread)
  thread:set("id", made)
  made = made + 1
  table.insert(threads, thread)
end

-- Per thread (globals, so that done() can read them with thread:get).
function init(args)
  local path, count = args[1], tonumber(args[2])
  forms, cursor, line = {}, 1, 0
  for text in io.lines(path) do
    if line % count == id then
      local tab = text:find("\t", 1, true)
      local token, body = text:sub(1, tab - 1), text:sub(tab + 1)
      local headers = { ["Content-Type"] = "application/json" }
      if #token > 0 then headers["Authorization"] = "Bearer " .. token end
      forms[#forms + 1] = wrk.format("POST", nil, headers, body)
    end
    line = line + 1
  end
  mine, answered, accepted, other, first, last, finished = #forms, 0, 0, 0, 0, 0, false
  filler = wrk.format("GET", "/api/v1/contests")
  -- wrk calls the first thread's request() once before anything is sent, to check that it makes a well-formed
  -- request: that call must not use up a form.
  checked = id ~= 0
end

function request()
  if not checked then
    checked = true
    return filler
  end
  if cursor <= mine then
    if cursor == 1 then first = now() end
    local form = forms[cursor]
    forms[cursor] = nil
    cursor = cursor + 1
    return form
  end
  return filler
end

-- Once a thread's forms are all sent, its connections wait a second before each filler, so that they do not flood the
-- target with reads (or wrk's latency figures with their answers) while the last forms are in flight.
function delay()
  if cursor > mine and checked then return 1000 end
  return 0
end

function response(status, headers, body)
  if status == 200 then return end -- a filler (a form is answered 201, or an error)
  answered = answered + 1
  last = now()
  if status == 201 then
    accepted = accepted + 1
  else
    other = other + 1
    if other <= 3 then io.write("wrk-forms: answered ", status, ": ", body:sub(1, 400), "\n") end
  end
  if answered >= mine and not finished then
    finished = true
    io.write("wrk-forms: thread done\n")
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local from, to, sent, ok, failed = math.huge, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    from = math.min(from, thread:get("first"))
    to = math.max(to, thread:get("last"))
    sent = sent + thread:get("mine")
    ok = ok + thread:get("accepted")
    failed = failed + thread:get("other")
  end
  local seconds = math.max(to - from, 1e-9)
  local function ms(microseconds) return microseconds / 1000 end
  io.write(string.format(
    'wrk-forms: {"client":"wrk","sent":%d,"accepted":%d,"notAccepted":%d,"sendingSeconds":%.3f,"acceptedPerSecond":%.1f,' ..
    '"acceptanceLatencyMs":{"p50":%.2f,"p90":%.2f,"p99":%.2f,"max":%.2f,"count":%d},"socketErrors":%d}\n',
    sent, ok, failed, seconds, ok / seconds,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency.max), summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
