-- Checks one /ask request against every window of its site and session, and counts it only when
-- every window still has room: either all counters move or none does, so a refused request never
-- spends quota and concurrent requests can never overshoot a limit (a script runs atomically).
--
-- KEYS[i]            the counter of window i; all carry the site's {hash tag}, so on Redis
--                    Cluster they share one slot
-- ARGV[i]            the limit of window i
-- ARGV[#KEYS + i]    milliseconds the counter of window i must live: to its window's end plus a
--                    grace, computed by the caller from its own clock
--
-- Returns {allowed, count 1, ..., count n}: allowed is 1 or 0; the counts are those after this
-- request when it was allowed, and as they stand when it was refused.
local n = #KEYS
local result = {0}
local allowed = 1
for i = 1, n do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  result[i + 1] = count
  if count >= tonumber(ARGV[i]) then
    allowed = 0
  end
end
if allowed == 1 then
  for i = 1, n do
    result[i + 1] = redis.call('INCR', KEYS[i])
    -- Renewed on every count, so a counter can never be left without an expiry.
    redis.call('PEXPIRE', KEYS[i], ARGV[n + i])
  end
end
result[1] = allowed
return result
