-- Adds to counters that live to their window's end, such as a site's model tokens of the day and
-- of the month, in one command.
--
-- KEYS[i]            the counter of window i; all carry the site's {hash tag}
-- ARGV[1]            the amount to add
-- ARGV[1 + i]        milliseconds the counter of window i must live: to its window's end plus a
--                    grace, computed by the caller from its own clock
--
-- Returns the counts after the addition.
local result = {}
for i = 1, #KEYS do
  result[i] = redis.call('INCRBY', KEYS[i], ARGV[1])
  -- Renewed on every addition, so a counter can never be left without an expiry.
  redis.call('PEXPIRE', KEYS[i], ARGV[1 + i])
end
return result
