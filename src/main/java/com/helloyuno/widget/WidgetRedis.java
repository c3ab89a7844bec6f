package com.helloyuno.widget;

import com.helloyuno.ratelimit.RedisGate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The widget's one {@link RedisGate}, shared by {@link NonceStore} and {@link AuthThrottle} so that
 * a Redis outage is one outage for both: logged once when it starts and once when it ends, and
 * their fallbacks counted as {@code yuno.widget.redis.fallbacks}.
 */
@Configuration(proxyBeanMethods = false)
class WidgetRedis {

    /** How often, while Redis is down, one widget request tries it again. */
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(2);

    @Bean
    RedisGate widgetRedisGate(MeterRegistry meters) {
        var gate = new RedisGate(
                "widget nonces and throttling use per-instance state",
                "widget nonces and throttling are shared across instances again",
                RETRY_INTERVAL,
                System::nanoTime);
        FunctionCounter.builder("yuno.widget.redis.fallbacks", gate, RedisGate::fallbacks)
                .description("Widget decisions (nonces, IP throttling) taken without Redis")
                .register(meters);
        return gate;
    }
}
