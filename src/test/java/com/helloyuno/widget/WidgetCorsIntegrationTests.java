package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** CORS preflights of the widget endpoints, which look sites up by the Origin's host. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY, "spring.datasource.hikari.maximum-pool-size=3"})
class WidgetCorsIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void preflightsFromManyOriginsDoNotHoldDatabaseConnections() {
        var http = new Http(port);
        // Each new host misses the cache and reads the sites table: more of them than the pool has connections.
        for (int i = 0; i < 8; i++) {
            var preflight = http.method(
                    "OPTIONS",
                    "/ask",
                    null,
                    "Origin",
                    "https://host-" + i + "-" + System.nanoTime() + ".example",
                    "Access-Control-Request-Method",
                    "POST");
            assertThat(preflight.status()).isLessThan(500);
            assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        }
        var site = new SiteApi(http, SiteApi.OPERATOR_KEY).create("cors.example");
        var allowed = http.method(
                "OPTIONS",
                "/ask",
                null,
                "Origin",
                "https://cors.example",
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "authorization,content-type");
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://cors.example");
        assertThat(site.siteId()).hasSize(16);
    }
}
