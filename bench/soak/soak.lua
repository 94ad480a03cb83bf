-- wrk script for `python -m bench.soak`: replays a mix of requests and counts the answers by status.
-- args[1]: a file with one request a line, "METHOD<TAB>TARGET<TAB>CONTENT-TYPE<TAB>KEY?<TAB>BODY"
-- (KEY? is 1 to send the API key, 2 to send a wrong one, 0 for none; BODY has "\n" for newlines);
-- args[2]: the API key.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  statuses = {}
  for line in io.lines(args[1]) do
    local method, target, ctype, keyed, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    if ctype ~= "" then headers["Content-Type"] = ctype end
    if keyed == "1" then headers["X-API-Key"] = args[2] end
    if keyed == "2" then headers["X-API-Key"] = "wrong-" .. args[2] end
    body = body:gsub("\\n", "\n")
    table.insert(requests, wrk.format(method, target, headers, body ~= "" and body or nil))
  end
  -- Threads start at different places in the mix, so they do not send the same request in step.
  counter = math.random(#requests)
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  io.write("SOAK-STATUS")
  for status, n in pairs(total) do
    io.write(string.format(" %d=%d", status, n))
  end
  io.write("\n")
  local e = summary.errors
  io.write(string.format(
    "SOAK-SUMMARY requests=%d seconds=%.3f connect=%d read=%d write=%d timeout=%d p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
