-- wrk script for bench/server-ingest.sh: POST /api/v1/events with a fresh
-- batch every request, so every event is new to the database (a resent
-- batch would be a no-op and flatter the figures).
-- Environment: EG_TOKEN (enroll token), EG_BATCH (events per request),
-- EG_DEVICES=1 to give every request a new serial number. The temperature
-- moves with seq, so every batch changes its Mac's row and the open
-- dashboards have something to be sent.
local counter = 1
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  batch = tonumber(os.getenv("EG_BATCH") or "50")
  devices = os.getenv("EG_DEVICES") == "1"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("EG_TOKEN") or "")
  run = string.format("bench%d%d", tid, os.time())
end

local function event(serial, seq)
  return string.format(
    '{"v":1,"ts":"2026-11-23T08:00:00.000Z","host":{"serial":"%s","model":"MacBookAir10,1",' ..
    '"os":"14.6.1","build":"23G93","arch":"arm64"},"run_id":"%s","seq":%d,' ..
    '"type":"thermal.sample","data":{"cpu_die_c":%d.5,"thermal_pressure":"Nominal","hot":false},' ..
    '"text":"CPU die %d.5 C, pressure Nominal"}', serial, run, seq, 40 + seq % 50, 40 + seq % 50)
end

function request()
  local serial = string.format("BENCH-%d", tid)
  if devices then serial = string.format("DEV-%d-%d", tid, counter) end
  local evs = {}
  for i = 1, batch do
    evs[i] = event(serial, counter)
    counter = counter + 1
  end
  return wrk.format(nil, "/api/v1/events", nil, "[" .. table.concat(evs, ",") .. "]")
end
