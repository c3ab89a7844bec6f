package com.helloyuno.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.YunoApplication;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances, each with its own context, database pool and site cache, share PostgreSQL and
 * Redis: a change made through one is seen by the other within seconds, long before the other's
 * cached copy would expire on its own.
 */
class SiteCacheInstancesIntegrationTests {

    @Test
    void aSiteChangeOnOneInstanceReachesTheOthersCacheWithinSeconds() {
        try (var first = startInstance();
                var second = startInstance()) {
            var api = new SiteApi(new Http(port(first)), SiteApi.OPERATOR_KEY);
            var siteId = api.create("instances-" + UUID.randomUUID() + ".example.com")
                    .siteId();
            var seenBySecond = second.getBean(SiteService.class);
            // The second instance has the site cached, for the next hour as far as its TTL goes.
            assertThat(seenBySecond.cached(siteId))
                    .get()
                    .extracting(Site::widgetEnabled)
                    .isEqualTo(true);

            assertThat(api.patch(siteId, Map.of("widget_enabled", false)).status())
                    .isEqualTo(200);

            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(seenBySecond.cached(siteId))
                            .get()
                            .extracting(Site::widgetEnabled)
                            .isEqualTo(false));
        }
    }

    private static ConfigurableApplicationContext startInstance() {
        var args = new ArrayList<String>();
        TestServices.properties().forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--server.port=0");
        args.add("--yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY);
        args.add("--yuno.llm.openai-api-key=");
        // Only the change notice through Redis can bring the news this quickly.
        args.add("--yuno.sites.cache-ttl=1h");
        return new SpringApplicationBuilder(YunoApplication.class)
                .logStartupInfo(false)
                .run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
