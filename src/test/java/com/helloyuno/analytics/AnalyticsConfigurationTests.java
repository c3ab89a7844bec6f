package com.helloyuno.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.testsupport.FakeMixpanel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** Mixpanel with a token, nothing without; what is buffered is sent when the context closes. */
class AnalyticsConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withUserConfiguration(Config.class);

    @Test
    void withoutATokenNothingIsSent() {
        runner.withPropertyValues("yuno.analytics.mixpanel-token=")
                .run(context -> assertThat(context.getBean(Analytics.class)).isInstanceOf(NoAnalytics.class));
    }

    @Test
    void withATokenEventsGoToMixpanelAndShutdownFlushesThem() {
        try (var fake = new FakeMixpanel()) {
            runner.withPropertyValues(
                            "yuno.analytics.mixpanel-token=test-token",
                            "yuno.analytics.mixpanel-api-url=" + fake.url(),
                            "yuno.analytics.flush-interval=1h")
                    .run(context -> {
                        var analytics = context.getBean(Analytics.class);
                        assertThat(analytics).isInstanceOf(MixpanelAnalytics.class);
                        analytics.track(new AnalyticsEvent.Authenticated("a1B2c3D4e5F6g7H8", true));
                        assertThat(fake.events()).isEmpty();
                    });
            // The context is closed now: its close() sent the buffered event.
            assertThat(fake.events("authenticated")).hasSize(1);
        }
    }

    @Test
    void settingsHaveDefaults() {
        runner.run(context -> {
            var settings = context.getBean(AnalyticsSettings.class);
            assertThat(settings.batchSize()).isEqualTo(50);
            assertThat(settings.bufferSize()).isEqualTo(10_000);
            assertThat(settings.shutdownTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
        });
    }

    @EnableConfigurationProperties(AnalyticsSettings.class)
    @Import(AnalyticsConfiguration.class)
    static class Config {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
