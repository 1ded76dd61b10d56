-- wrk script: POST batches of distinct events (ids, visitors and URLs vary per request), so the
-- collector's caches see realistic traffic. BATCH (events per request) comes from the environment.
local batch = tonumber(os.getenv("BATCH") or "1")
local counter = 0
local thread_id = 0

setup = function(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

local function uuid(n)
  return string.format("%08x-%04x-4%03x-8%03x-%012x", n % 4294967296, thread_id, n % 4096,
                       math.floor(n / 4096) % 4096, n)
end

local types = {"page_view", "page_view", "page_view", "favorite", "add_to_cart", "order"}

request = function()
  local parts = {}
  for i = 1, batch do
    counter = counter + 1
    local kind = types[(counter % #types) + 1]
    local visitor = string.format("v-%d-%d", thread_id, math.floor(counter / 20))
    local extra = ""
    if kind == "order" then
      extra = string.format(',"order_id":"o-%d-%d","revenue":"%d.50","currency":"USD"',
                            thread_id, counter, counter % 500)
    elseif kind ~= "page_view" then
      extra = string.format(',"product_id":"p-%d","price":19.99,"quantity":1', counter % 5000)
    end
    parts[i] = string.format(
      '{"event_id":"%s","type":"%s","anonymous_id":"%s","session_id":"s-%d",' ..
      '"ts":"2026-11-20T10:00:00.000Z","sent_at":"2026-11-20T10:00:01.000Z",' ..
      '"url":"https://shop.example/p/%d?utm_source=google&utm_medium=cpc",' ..
      '"referrer":"https://www.google.com/","title":"Product %d","screen_width":1920,' ..
      '"screen_height":1080,"language":"en-US"%s}',
      uuid(counter), kind, visitor, math.floor(counter / 20), counter % 20000, counter % 20000, extra)
  end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
                                  ["X-Write-Key"] = "bench-key"},
                    "[" .. table.concat(parts, ",") .. "]")
end
