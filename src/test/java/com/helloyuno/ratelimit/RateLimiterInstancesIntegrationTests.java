package com.helloyuno.ratelimit;

import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSessionId;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSiteId;
import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.plan.PlanType;
import com.helloyuno.testsupport.TestServices;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/** Two instances of the application, each with its own context and connections, share one Redis. */
class RateLimiterInstancesIntegrationTests {

    @Test
    void twoInstancesSharingOneRedisEnforceOneGlobalLimit() throws Exception {
        try (var first = startInstance();
                var second = startInstance()) {
            assertThat(first.getBean(RedisConnectionFactory.class))
                    .isNotSameAs(second.getBean(RedisConnectionFactory.class));
            var limiters = new RateLimiter[] {first.getBean(RateLimiter.class), second.getBean(RateLimiter.class)};
            var limit = 4; // basic's minute in the small plan table

            // Taking turns: each instance sees the other's requests.
            var site = randomSiteId();
            var allowed = 0;
            for (int i = 0; i < 10; i++) {
                var decision = limiters[i % 2].check(site, PlanType.BASIC, randomSessionId());
                assertThat(decision.local()).isFalse();
                if (decision.allowed()) {
                    allowed++;
                    var other = limiters[(i + 1) % 2];
                    assertThat(other.usage(site, PlanType.BASIC).used().minute())
                            .isEqualTo(allowed);
                } else {
                    assertThat(decision.window()).isEqualTo(RateLimitWindow.MINUTE);
                }
            }
            assertThat(allowed).isEqualTo(limit);
            assertThat(limiters[1].usage(site, PlanType.BASIC).used().minute()).isEqualTo(limit);

            // Racing: 32 threads on each instance, one limit between them.
            var raced = randomSiteId();
            var count = new AtomicInteger();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                var tasks = new ArrayList<Future<?>>();
                for (int t = 0; t < 64; t++) {
                    var limiter = limiters[t % 2];
                    tasks.add(threads.submit(() -> {
                        for (int i = 0; i < 3; i++) {
                            if (limiter.check(raced, PlanType.ENTERPRISE, randomSessionId())
                                    .allowed()) {
                                count.incrementAndGet();
                            }
                        }
                    }));
                }
                for (var task : tasks) {
                    task.get();
                }
            }
            assertThat(count.get()).isEqualTo(40); // enterprise's minute in the small plan table
        }
    }

    private static ConfigurableApplicationContext startInstance() {
        var args = RateLimitTestConfiguration.testArguments();
        args.add("--spring.data.redis.url=" + TestServices.redisUrl());
        return new SpringApplicationBuilder(RateLimitTestConfiguration.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .run(args.toArray(String[]::new));
    }
}
