package com.helloyuno;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An instance whose Redis is unreachable: health says so, but the instance stays ready, since
 * everything that uses Redis degrades to per-instance state.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY)
class RedisOutageIntegrationTests {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void unreachableRedis(DynamicPropertyRegistry registry) throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        registry.add("spring.data.redis.url", () -> "redis://127.0.0.1:" + closedPort);
    }

    @Test
    void healthShowsRedisDownWhileReadinessStaysUp() {
        var http = new Http(port);

        var health = http.get("/actuator/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().path("components").path("redis").path("status").asString())
                .isEqualTo("DOWN");
        assertThat(health.json().path("components").path("db").path("status").asString())
                .isEqualTo("UP");

        var readiness = http.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().path("status").asString()).isEqualTo("UP");

        assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);
    }

    @Test
    void widgetsStillAuthenticateAndNoncesStillWorkOnce() {
        var http = new Http(port);
        var site = new SiteApi(http, SiteApi.OPERATOR_KEY).create("example.com");
        var body = Http.json(Map.of("site_id", site.siteId(), "domain", "example.com", "nonce", "outage-nonce-1"));
        var first = http.post("/widget/authenticate", body, "Content-Type", "application/json");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        var replay = http.post("/widget/authenticate", body, "Content-Type", "application/json");
        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.json().path("code").asString()).isEqualTo("nonce_reused");
    }
}
