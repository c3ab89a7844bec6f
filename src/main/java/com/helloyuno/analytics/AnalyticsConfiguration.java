package com.helloyuno.analytics;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Mixpanel with a token, nothing without one. The Mixpanel adapter's {@code close()} runs at
 * shutdown, after the web server has stopped and the beans that use it are gone: it sends what
 * is buffered, within {@code yuno.analytics.shutdown-timeout}.
 */
@Configuration(proxyBeanMethods = false)
class AnalyticsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AnalyticsConfiguration.class);

    @Bean
    Analytics analytics(AnalyticsSettings settings, MeterRegistry meters) {
        if (!settings.enabled()) {
            log.info("MIXPANEL_TOKEN is not set: analytics are off");
            return new NoAnalytics();
        }
        log.info("Analytics go to Mixpanel at {}", settings.mixpanelApiUrl().getHost());
        return new MixpanelAnalytics(settings, meters);
    }
}
