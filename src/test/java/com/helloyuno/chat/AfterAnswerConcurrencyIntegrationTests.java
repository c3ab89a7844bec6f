package com.helloyuno.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.YunoApplication;
import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.FakeOpenAi;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TestServices;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The after-answer work runs at most {@code yuno.chat.after-answer-concurrency} turns at once: the
 * classification calls of a burst of answered chats reach the provider that many at a time, every
 * turn is still stored, and shutdown lets the waiting ones through rather than leave them behind.
 */
class AfterAnswerConcurrencyIntegrationTests {

    /** Each classification takes this long at the provider: the turns overlap if they are let through. */
    private static final Duration CLASSIFICATION = Duration.ofMillis(1500);

    private static final int TURNS = 6;

    @TempDir
    Path spool;

    @Test
    void aBurstOfAnsweredTurnsIsClassifiedTwoAtATimeAndEveryTurnIsStored() throws Exception {
        try (var openai = slowClassifier()) {
            var context = start(openai, 2);
            try {
                var fixtures = fixtures(context);
                var site = fixtures.site("burst.example");
                var waiting = context.getBean(MeterRegistry.class)
                        .get("yuno.chat.after-answer.waiting")
                        .gauge();
                var maxWaiting = 0.0;
                for (int i = 0; i < TURNS; i++) {
                    assertThat(fixtures.ask(site.token(), "Question " + i, "burst-" + i)
                                    .status())
                            .isEqualTo(200);
                    maxWaiting = Math.max(maxWaiting, waiting.value());
                }
                // The answers came back at once; their classifications queue behind two permits.
                assertThat(maxWaiting)
                        .as("turns seen waiting for their after-answer work")
                        .isGreaterThanOrEqualTo(2);

                await().atMost(Duration.ofSeconds(30)).until(() -> stored(fixtures, site.siteId()) == 2L * TURNS);
                // Answer calls come one at a time here; besides one of them, two classifications at most.
                assertThat(openai.maxInFlight()).isBetween(2, 3);
                assertThat(waiting.value()).isZero();
            } finally {
                context.close();
            }
        }
    }

    @Test
    void shutdownLetsTheWaitingTurnsThroughAndStoresThemAll() throws Exception {
        try (var openai = slowClassifier()) {
            var context = start(openai, 1);
            var fixtures = fixtures(context);
            var site = fixtures.site("closing.example");
            for (int i = 0; i < TURNS; i++) {
                assertThat(fixtures.ask(site.token(), "Question " + i, "closing-" + i)
                                .status())
                        .isEqualTo(200);
            }
            // One at a time they would need 6 x 1.5 s; shutdown runs the waiting ones together.
            var started = System.nanoTime();
            context.close();
            assertThat(stored(fixtures, site.siteId())).isEqualTo(2L * TURNS);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CLASSIFICATION.multipliedBy(TURNS));
        }
    }

    private static FakeOpenAi slowClassifier() {
        var openai = new FakeOpenAi();
        openai.respondWith(request -> request.structured()
                ? FakeOpenAi.deterministic(request).delay(CLASSIFICATION)
                : FakeOpenAi.Reply.text("An answer."));
        return openai;
    }

    private ConfigurableApplicationContext start(FakeOpenAi openai, int concurrency) {
        var args = new ArrayList<String>();
        TestServices.properties().forEach((k, v) -> args.add("--" + k + "=" + v));
        args.addAll(List.of(
                "--server.port=0",
                "--yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
                "--yuno.llm.openai-api-key=test-key",
                "--yuno.llm.base-url=" + openai.baseUrl(),
                "--yuno.spool.directory=" + spool,
                "--yuno.chat.after-answer-concurrency=" + concurrency));
        return new SpringApplicationBuilder(YunoApplication.class).run(args.toArray(String[]::new));
    }

    private static ChatFixtures fixtures(ConfigurableApplicationContext context) {
        var port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        var jdbc = JdbcClient.create(new DriverManagerDataSource(
                TestServices.databaseUrl(), TestServices.databaseUsername(), TestServices.databasePassword()));
        return new ChatFixtures(new Http(port), jdbc);
    }

    private static long stored(ChatFixtures fixtures, String siteId) {
        return fixtures.jdbc()
                .sql("SELECT count(*) FROM chat_history WHERE site_id = ?")
                .param(siteId)
                .query(Long.class)
                .single();
    }
}
