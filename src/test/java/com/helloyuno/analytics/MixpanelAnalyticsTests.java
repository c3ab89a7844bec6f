package com.helloyuno.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.analytics.AnalyticsEvent.AnswerGiven;
import com.helloyuno.analytics.AnalyticsEvent.Authenticated;
import com.helloyuno.analytics.AnalyticsEvent.ErrorOccurred;
import com.helloyuno.analytics.AnalyticsEvent.LeadCaptured;
import com.helloyuno.analytics.AnalyticsEvent.QuestionAsked;
import com.helloyuno.analytics.AnalyticsEvent.RateLimited;
import com.helloyuno.testsupport.FakeMixpanel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Mixpanel adapter against a fake Mixpanel on loopback. */
class MixpanelAnalyticsTests {

    private static final String SITE = "a1B2c3D4e5F6g7H8";
    private static final String SESSION = "visitor-session-42";

    private final FakeMixpanel fake = new FakeMixpanel();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<MixpanelAnalytics> adapters = new ArrayList<>();

    @AfterEach
    void close() {
        fake.healthy();
        adapters.forEach(MixpanelAnalytics::close);
        fake.close();
    }

    @Test
    void eventsArriveInBatchesWithTheirPropertiesAndAHashedVisitor() {
        var analytics = analytics(settings(1000, 50, Duration.ofMillis(200), Duration.ofSeconds(5)));
        analytics.track(new Authenticated(SITE, false));
        analytics.track(new QuestionAsked(SITE, SESSION, 3, true));
        analytics.track(new AnswerGiven(SITE, SESSION, 1234, 321, 812, 64, 0.82, 2, true, false));
        analytics.track(new LeadCaptured(SITE, SESSION, LeadCaptured.Channel.CHAT));
        analytics.track(new RateLimited(SITE, SESSION, RateLimited.Window.MINUTE, false));
        analytics.track(new ErrorOccurred(SITE, SESSION, "upstream_unavailable", 503));
        for (int i = 0; i < 114; i++) {
            analytics.track(new QuestionAsked(SITE, "s-" + i, 1, false));
        }

        assertThat(fake.awaitEvents(120, Duration.ofSeconds(10))).isTrue();

        assertThat(fake.batches()).allSatisfy(batch -> {
            assertThat(batch.path()).isEqualTo("/track");
            assertThat(batch.size()).isBetween(1, 50);
            // Mixpanel must not take the sender's (our server's) address as the visitor's.
            assertThat(batch.query()).contains("ip=0");
        });
        assertThat(fake.batches().size()).isBetween(3, 10);
        var answer = fake.events("answer").getFirst();
        assertThat(answer.properties().path("latency_ms").asLong()).isEqualTo(1234);
        assertThat(answer.properties().path("first_token_ms").asLong()).isEqualTo(321);
        assertThat(answer.properties().path("prompt_tokens").asInt()).isEqualTo(812);
        assertThat(answer.properties().path("completion_tokens").asInt()).isEqualTo(64);
        assertThat(answer.properties().path("total_tokens").asInt()).isEqualTo(876);
        assertThat(answer.properties().path("confidence").asDouble()).isEqualTo(0.82);
        assertThat(answer.property("site_id")).isEqualTo(SITE);
        assertThat(answer.property("token")).isEqualTo("test-token");
        assertThat(answer.property("$insert_id")).isNotBlank();
        assertThat(answer.properties().path("time").asLong()).isPositive();
        assertThat(answer.distinctId()).matches("[0-9a-f]{64}").doesNotContain(SESSION);
        assertThat(fake.events("question").getFirst().distinctId()).isEqualTo(answer.distinctId());
        assertThat(fake.events("lead_captured").getFirst().property("channel")).isEqualTo("chat");
        assertThat(fake.events("rate_limited").getFirst().property("window")).isEqualTo("minute");
        assertThat(fake.events("error").getFirst().property("code")).isEqualTo("upstream_unavailable");
        assertThat(fake.events("authenticated")).hasSize(1);
        // Nothing but typed values: the session id itself never leaves.
        assertThat(fake.events())
                .allSatisfy(event -> assertThat(event.properties().toString())
                        .doesNotContain(SESSION)
                        .doesNotContain("\"ip\""));
        // The sender counts a batch once Mixpanel's answer is read, which may be just after the fake
        // has recorded it.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(meters.get("yuno.analytics.events")
                                .tag("outcome", "sent")
                                .counter()
                                .count())
                        .isEqualTo(120));
    }

    @Test
    void theVisitorIdDependsOnSiteSessionAndSecret() {
        var ids = new VisitorIds("secret-one");

        assertThat(ids.of(SITE, SESSION)).isEqualTo(new VisitorIds("secret-one").of(SITE, SESSION));
        assertThat(ids.of(SITE, SESSION)).isNotEqualTo(new VisitorIds("secret-two").of(SITE, SESSION));
        assertThat(ids.of(SITE, SESSION)).isNotEqualTo(ids.of(SITE, "other-session"));
        assertThat(ids.of(SITE, SESSION)).isNotEqualTo(ids.of("Z1B2c3D4e5F6g7H8", SESSION));
        assertThat(new VisitorIds(null).of(SITE, SESSION)).isNotEqualTo(new VisitorIds(null).of(SITE, SESSION));
    }

    @Test
    void aHangingMixpanelNeverSlowsTrackAndTheExcessIsDroppedAndCounted() {
        fake.hang();
        var analytics = analytics(settings(1000, 50, Duration.ofMillis(10), Duration.ofMillis(500)));

        var started = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            analytics.track(new QuestionAsked(SITE, SESSION, i, false));
        }
        var elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(elapsed).isLessThan(Duration.ofSeconds(2));
        var dropped = meters.get("yuno.analytics.events")
                .tag("outcome", "dropped")
                .counter()
                .count();
        // The buffer holds 1000 and one batch of 50 may be on its way: everything else is dropped.
        assertThat(dropped).isBetween(10_000.0 - 1_000 - 50, 10_000.0 - 1_000);
    }

    @Test
    void aFailingMixpanelNeverSlowsTrackAndFailuresAreCounted() {
        fake.failWith(500);
        var analytics = analytics(settings(1000, 50, Duration.ofMillis(10), Duration.ofSeconds(2)));

        var started = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            analytics.track(new QuestionAsked(SITE, SESSION, i, false));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));

        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("yuno.analytics.events")
                                .tag("outcome", "failed")
                                .counter()
                                .count()
                        > 0);
        assertThat(fake.events()).isEmpty();
    }

    @Test
    void closingSendsWhatIsBuffered() {
        // A flush interval far away: nothing would be sent before shutdown but full batches.
        var analytics = analytics(settings(1000, 50, Duration.ofHours(1), Duration.ofSeconds(5)));
        for (int i = 0; i < 75; i++) {
            analytics.track(new QuestionAsked(SITE, SESSION, i, false));
        }

        var started = System.nanoTime();
        analytics.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5 + 2));
        assertThat(fake.events()).hasSize(75);
        analytics.track(new QuestionAsked(SITE, SESSION, 76, false));
        assertThat(meters.get("yuno.analytics.events")
                        .tag("outcome", "dropped")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void closingGivesUpOnAHangingMixpanelWithinTheShutdownTimeout() {
        fake.hang();
        // A read timeout far beyond the shutdown timeout: only the shutdown timeout can end close().
        var settings = settings(1000, 50, Duration.ofMillis(10), Duration.ofMillis(500), Duration.ofSeconds(30));
        var analytics = analytics(settings);
        analytics.track(new QuestionAsked(SITE, SESSION, 1, false));

        var started = System.nanoTime();
        analytics.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("the 500 ms shutdown timeout, with room for a busy machine, not the 30 s read timeout")
                .isLessThan(Duration.ofMillis(3000));
    }

    private MixpanelAnalytics analytics(AnalyticsSettings settings) {
        var analytics = new MixpanelAnalytics(settings, meters);
        adapters.add(analytics);
        return analytics;
    }

    private AnalyticsSettings settings(
            int bufferSize, int batchSize, Duration flushInterval, Duration shutdownTimeout) {
        return settings(bufferSize, batchSize, flushInterval, shutdownTimeout, Duration.ofSeconds(2));
    }

    private AnalyticsSettings settings(
            int bufferSize, int batchSize, Duration flushInterval, Duration shutdownTimeout, Duration readTimeout) {
        return new AnalyticsSettings(
                "test-token",
                URI.create(fake.url()),
                bufferSize,
                batchSize,
                flushInterval,
                "test-salt",
                Duration.ofSeconds(1),
                readTimeout,
                shutdownTimeout);
    }
}
