package com.helloyuno.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The limiter's settings as the application reads them from {@code application.yaml}. */
class RateLimitSettingsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withUserConfiguration(Config.class);

    @Test
    void defaults() {
        runner.run(context -> assertThat(context.getBean(RateLimitSettings.class))
                .isEqualTo(new RateLimitSettings(
                        Duration.ofMillis(200), Duration.ofSeconds(1), 100_000, Duration.ofSeconds(10))));
    }

    @Test
    void refusesATimeoutOfZero() {
        runner.withPropertyValues("yuno.ratelimit.redis-timeout=0s")
                .run(context -> assertThat(context).hasFailed());
    }

    @EnableConfigurationProperties(RateLimitSettings.class)
    static class Config {}
}
