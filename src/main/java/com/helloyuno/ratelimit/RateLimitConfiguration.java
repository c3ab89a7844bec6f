package com.helloyuno.ratelimit;

import com.helloyuno.plan.PlanSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The limiter's beans. Everything is declared here rather than scanned, so that a test can build
 * the limiter from this class and Redis auto-configuration alone.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({RateLimitSettings.class, PlanSettings.class})
class RateLimitConfiguration {

    /**
     * Read once, as text: its SHA1 goes with EVALSHA, and the source (EVAL) only when Redis lacks
     * it, e.g. after a restart. A resource-backed script would check the file for changes on every
     * call.
     */
    @Bean
    @SuppressWarnings("rawtypes")
    RedisScript<List> rateLimitScript() throws IOException {
        return script("rate_limit.lua");
    }

    @SuppressWarnings("rawtypes")
    private static RedisScript<List> script(String name) throws IOException {
        var source = new ClassPathResource("ratelimit/" + name).getContentAsString(StandardCharsets.UTF_8);
        return new DefaultRedisScript<>(source, List.class);
    }

    @Bean(destroyMethod = "close")
    @SuppressWarnings("rawtypes")
    RedisCounters rateLimitRedisCounters(
            StringRedisTemplate redis, RedisScript<List> rateLimitScript, RateLimitSettings settings)
            throws IOException {
        return new RedisCounters(
                redis, rateLimitScript, script("add.lua"), settings.redisTimeout(), settings.keyGrace());
    }

    /**
     * The limiter takes the application's {@link Clock} when there is exactly one (tests move one
     * by hand) and the system's UTC clock otherwise, so it never competes with another feature's
     * clock bean.
     */
    @Bean
    RateLimiter rateLimiter(
            PlanSettings plans,
            RedisCounters rateLimitRedisCounters,
            RateLimitSettings settings,
            MeterRegistry meterRegistry,
            ObjectProvider<Clock> clock) {
        var gate = new RedisGate(settings.fallbackRetryInterval(), System::nanoTime);
        return new RateLimiter(
                plans,
                rateLimitRedisCounters,
                new LocalCounters(settings.maxLocalKeys()),
                gate,
                new RateLimitMetrics(meterRegistry, gate),
                clock.getIfUnique(Clock::systemUTC),
                settings.keyGrace());
    }

    @Bean
    SmartInitializingSingleton rateLimiterWarmUp(RateLimiter rateLimiter) {
        return rateLimiter::warmUp;
    }
}
