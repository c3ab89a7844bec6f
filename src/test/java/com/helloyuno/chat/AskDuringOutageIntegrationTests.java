package com.helloyuno.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TcpProxy;
import com.helloyuno.testsupport.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL goes away in the middle of a conversation: the visitor still gets an answer, and the
 * history and lead of that turn are written once PostgreSQL is back.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.llm.openai-api-key=",
            "yuno.spool.retry-interval=300ms",
            "yuno.sites.cache-ttl=1s",
            "spring.datasource.hikari.connection-timeout=500",
            "spring.datasource.hikari.validation-timeout=250"
        })
class AskDuringOutageIntegrationTests {

    static final TcpProxy postgres = TestServices.postgresProxy();

    @TempDir
    static Path spool;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> TestServices.databaseUrlThrough(postgres));
        registry.add("yuno.spool.directory", () -> spool.toString());
    }

    @AfterAll
    static void closeProxy() {
        postgres.close();
    }

    @Test
    void historyAndLeadsWrittenDuringAnOutageAppearAfterIt() {
        var http = new Http(port);
        var direct = JdbcClient.create(new org.springframework.jdbc.datasource.DriverManagerDataSource(
                TestServices.databaseUrl(), TestServices.databaseUsername(), TestServices.databasePassword()));
        var fixtures = new ChatFixtures(http, direct);
        var site = fixtures.site("outage.example");

        postgres.cut();
        var response = fixtures.ask(site.token(), "Please call me back on outage@example.com", "outage-session");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("lead_captured").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(15)).until(() -> spool.toFile().list().length == 2);
        assertThat(count(direct, "chat_history", site.siteId())).isZero();
        var metrics = http.get("/actuator/prometheus", "Authorization", "Bearer " + SiteApi.OPERATOR_KEY);
        assertThat(metrics.body()).contains("yuno_chat_retrieval_unavailable_total");

        postgres.restore();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> count(direct, "chat_history", site.siteId()) == 2
                        && count(direct, "leads", site.siteId()) == 1);
        var email = direct.sql("SELECT email FROM leads WHERE site_id = ?")
                .param(site.siteId())
                .query(String.class)
                .single();
        assertThat(email).isEqualTo("outage@example.com");
        assertThat(spool.toFile().list()).isEmpty();
    }

    private static long count(JdbcClient jdbc, String table, String siteId) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE site_id = ?")
                .param(siteId)
                .query(Long.class)
                .single();
    }
}
