package com.helloyuno.chat;

import static com.helloyuno.chat.ChatFixtures.events;
import static com.helloyuno.chat.ChatFixtures.message;
import static com.helloyuno.chat.ChatFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.YunoApplication;
import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.FakeOpenAi;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * What SIGTERM does (Spring closes the context from its shutdown hook): new chats are refused,
 * a chat in flight streams to its end, and its turn is stored before the instance is gone.
 */
class GracefulShutdownIntegrationTests {

    @TempDir
    Path spool;

    @Test
    void anInFlightStreamFinishesAndItsTurnIsStored() throws Exception {
        try (var openai = new FakeOpenAi()) {
            openai.respondWith(request -> request.structured()
                    ? FakeOpenAi.deterministic(request)
                    : FakeOpenAi.Reply.text("one two three four five six seven eight")
                            .chunkDelay(Duration.ofMillis(500)));
            var args = new ArrayList<String>();
            TestServices.properties().forEach((k, v) -> args.add("--" + k + "=" + v));
            args.addAll(List.of(
                    "--server.port=0",
                    "--yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
                    "--yuno.llm.openai-api-key=test-key",
                    "--yuno.llm.base-url=" + openai.baseUrl(),
                    "--yuno.spool.directory=" + spool,
                    "--spring.lifecycle.timeout-per-shutdown-phase=20s"));
            var context = new SpringApplicationBuilder(YunoApplication.class).run(args.toArray(String[]::new));
            var port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            var jdbc = JdbcClient.create(new DriverManagerDataSource(
                    TestServices.databaseUrl(), TestServices.databaseUsername(), TestServices.databasePassword()));
            var fixtures = new ChatFixtures(new Http(port), jdbc);
            var site = fixtures.site("shutdown.example");

            var inFlight = CompletableFuture.supplyAsync(() -> fixtures.ask(
                    site.token(),
                    Map.of("messages", List.of(message("user", "Tell me a story")), "session_id", "shutdown-session"),
                    "Accept",
                    "text/event-stream"));
            await().atMost(Duration.ofSeconds(20)).until(() -> openai.inFlight() > 0);

            var closing = CompletableFuture.runAsync(context::close);
            Thread.sleep(500);
            // One new chat while the first still streams: it must never be served (Tomcat holds or
            // refuses the connection until it is gone; a load balancer has seen readiness go down).
            assertThat(inFlight).as("the first chat, when the new one is sent").isNotDone();
            var late = CompletableFuture.supplyAsync(() -> fixtures.ask(site.token(), "A new chat", "late-session")
                            .status())
                    .exceptionally(e -> -1);
            assertThat(late.get(20, java.util.concurrent.TimeUnit.SECONDS))
                    .as("a new chat during shutdown")
                    .isNotEqualTo(200);

            var response = inFlight.get();
            var events = events(response.body());
            assertThat(events.getLast().name()).isEqualTo("done");
            assertThat(tokens(events)).isEqualTo("one two three four five six seven eight");

            closing.get();
            var stored = jdbc.sql(
                            "SELECT count(*) FROM chat_history WHERE site_id = ? AND session_id = 'shutdown-session'")
                    .param(site.siteId())
                    .query(Long.class)
                    .single();
            assertThat(stored)
                    .as("the turn is stored by the time the instance is gone")
                    .isEqualTo(2);
        }
    }
}
