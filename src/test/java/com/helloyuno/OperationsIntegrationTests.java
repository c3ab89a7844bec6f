package com.helloyuno;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.testsupport.Http;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Repository;
import org.springframework.web.context.support.ServletRequestHandledEvent;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/** What ops see: health with its probes, info, and metrics behind the operator key. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "yuno.web.admin-api-key=operator-key-for-tests-0123456789")
class OperationsIntegrationTests {

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void healthIsUpWithPostgresAndRedis() {
        var response = http.get("/actuator/health");
        assertThat(response.status()).isEqualTo(200);
        var health = response.json();
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("db").path("status").asString())
                .isEqualTo("UP");
        assertThat(health.path("components").path("redis").path("status").asString())
                .isEqualTo("UP");
    }

    @Test
    void readinessAndLivenessAreUp() {
        var readiness = http.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().path("components").has("db")).isTrue();
        assertThat(readiness.json().path("components").has("redis")).isFalse();

        var liveness = http.get("/actuator/health/liveness");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.json().path("status").asString()).isEqualTo("UP");
    }

    @Test
    void healthRevealsNoDetailsOfTheServices() {
        var body = http.get("/actuator/health").body();
        assertThat(body).doesNotContain("PostgreSQL", "version", "jdbc", "127.0.0.1");
    }

    @Test
    void infoNamesTheApplication() {
        var response = http.get("/actuator/info");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("app").path("name").asString()).isEqualTo("Yuno");
    }

    @Test
    void prometheusMetricsNeedTheOperatorKey() {
        var anonymous = http.get("/actuator/prometheus");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().path("code").asString()).isEqualTo("unauthorized");

        var wrongKey = http.get("/actuator/prometheus", "Authorization", "Bearer not-the-key");
        assertThat(wrongKey.status()).isEqualTo(401);

        var operator = http.get("/actuator/prometheus", "Authorization", "Bearer operator-key-for-tests-0123456789");
        assertThat(operator.status()).isEqualTo(200);
        assertThat(operator.body()).contains("jvm_threads_live_threads", "application=\"yuno\"");
    }

    @Test
    void redisCommandsAreNotObservedOneByOne(
            @Autowired LettuceConnectionFactory redis, @Autowired ObservationRegistry observations) {
        // Observations are on (the service's requests are observed), yet Lettuce gets no tracing:
        // the exclusion in application.yaml, not a missing registry, keeps its per-command spans out.
        assertThat(observations.isNoop()).isFalse();
        assertThat(redis.getClientResources()).isNotNull();
        assertThat(redis.getClientResources().tracing().isEnabled()).isFalse();

        http.get("/actuator/health");
        var operator = http.get("/actuator/prometheus", "Authorization", "Bearer operator-key-for-tests-0123456789");
        assertThat(operator.body()).doesNotContain("lettuce");
    }

    @Test
    void responsesAreWrittenByJsonTextBytesResourcesAndFormsOnly(@Autowired RequestMappingHandlerAdapter adapter) {
        // JAXB and Jackson 2's YAML module come with the API document's libraries, Spring Data's
        // web support with spring-data-redis: their converters were asked about every response.
        var converters = adapter.getMessageConverters().stream()
                .map(converter -> converter.getClass().getSimpleName())
                .toList();
        assertThat(converters)
                .containsExactlyInAnyOrder(
                        "ByteArrayHttpMessageConverter",
                        "StringHttpMessageConverter",
                        "ResourceHttpMessageConverter",
                        "ResourceRegionHttpMessageConverter",
                        "AllEncompassingFormHttpMessageConverter",
                        "JacksonJsonHttpMessageConverter");

        // The API document is still served as JSON and as YAML.
        var json = http.get("/v3/api-docs");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.body()).startsWith("{").contains("\"openapi\"");
        var yaml = http.get("/v3/api-docs.yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.body()).startsWith("openapi:");
    }

    @Test
    void noEventIsPublishedPerRequest(@Autowired ConfigurableApplicationContext context) throws Exception {
        // Nothing listens for ServletRequestHandledEvent; making one asked for the principal's name.
        var seen = new java.util.concurrent.CopyOnWriteArrayList<ServletRequestHandledEvent>();
        ApplicationListener<ServletRequestHandledEvent> listener = seen::add;
        context.addApplicationListener(listener);
        try {
            assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);
            assertThat(http.get("/v3/api-docs").status()).isEqualTo(200);
            // The event would be published as the request ends, just after the response is sent.
            Thread.sleep(300);
            assertThat(seen).isEmpty();
        } finally {
            context.removeApplicationListener(listener);
        }
    }

    @Test
    void repositoriesAreCalledDirectlyNotThroughAProxy(@Autowired ApplicationContext context) {
        // JdbcClient translates SQL errors itself; a translating proxy per call was pure cost.
        var repositories = context.getBeansWithAnnotation(Repository.class);
        assertThat(repositories).hasSizeGreaterThanOrEqualTo(8);
        assertThat(repositories.values()).noneMatch(AopUtils::isAopProxy);
    }

    @Test
    void otherActuatorEndpointsAreNotExposed() {
        assertThat(http.get("/actuator/env").status()).isEqualTo(404);
        assertThat(http.get("/actuator/beans").status()).isEqualTo(404);
    }
}
