package com.helloyuno.widget;

import com.helloyuno.ratelimit.RedisGate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Per-IP throttling of {@code /widget/authenticate}: a fixed one-minute window per (hashed) IP, in
 * Redis so that it holds across instances, per instance while Redis is down.
 */
@Component
class AuthThrottle {

    private final StringRedisTemplate redis;
    private final RedisGate gate;
    private final WidgetSettings settings;
    private final Clock clock;
    private final ConcurrentHashMap<String, AtomicLong> local = new ConcurrentHashMap<>();
    private volatile long localMinute;

    AuthThrottle(StringRedisTemplate redis, RedisGate gate, WidgetSettings settings, Clock clock) {
        this.redis = redis;
        this.gate = gate;
        this.settings = settings;
        this.clock = clock;
    }

    /** Counts one authentication; throws when the address is over its limit. */
    void acquire(String ipHash) {
        var epochSecond = clock.instant().getEpochSecond();
        var minute = epochSecond / 60;
        var retryAfter = 60 - epochSecond % 60;
        var key = "yuno:authip:{" + ipHash + "}:" + minute;
        long count = gate.call(
                () -> {
                    var n = redis.opsForValue().increment(key);
                    if (n != null && n == 1) {
                        redis.expire(key, Duration.ofSeconds(retryAfter + 1));
                    }
                    return n == null ? 0L : n;
                },
                () -> localIncrement(ipHash, minute));
        if (count > settings.authenticationsPerIpPerMinute()) {
            throw new WidgetErrors.TooManyAuthentications(retryAfter);
        }
    }

    private long localIncrement(String ipHash, long minute) {
        if (minute != localMinute) {
            synchronized (this) {
                if (minute != localMinute) {
                    local.clear();
                    localMinute = minute;
                }
            }
        }
        return local.computeIfAbsent(ipHash, k -> new AtomicLong()).incrementAndGet();
    }
}
