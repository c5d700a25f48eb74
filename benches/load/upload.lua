-- wrk script: every request uploads the same Google Benchmark results file for a
-- new commit (unique per thread and request), so each one is stored (201).
-- Set by run_load.sh: PERFGATE_TOKEN, PERFGATE_RESULTS (path of the file).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(os.getenv("PERFGATE_RESULTS"), "rb"))
  body = file:read("*a")
  file:close()
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("PERFGATE_TOKEN"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  counter = counter + 1
  local sha = string.format("%08x%032x", id, counter)
  return wrk.format("POST", "/api/v1/projects/load/runs?branch=main&testbed=wrk&commit=" .. sha, headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("uploads: %d requests, %d non-2xx, %d socket errors, %.1f per second\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6)))
end
