package com.helloyuno.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.testsupport.FakeOpenAi;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The openai-java adapter against a loopback OpenAI-compatible server. */
class OpenAiEmbeddingsTests {

    private FakeOpenAi fake;
    private OpenAiClients clients;
    private Embeddings embeddings;

    @BeforeEach
    void start() {
        fake = new FakeOpenAi();
        var settings = new LlmSettings(
                "test-key",
                URI.create(fake.baseUrl()),
                "gpt-4o-mini",
                "text-embedding-3-small",
                Duration.ofSeconds(5),
                4,
                0,
                Duration.ofMillis(10),
                Duration.ofMillis(10),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                64);
        clients = new OpenAiClients(settings);
        var embeddingSettings = new EmbeddingSettings(10, 3, Duration.ofMillis(10), Duration.ofMillis(50));
        embeddings = new EmbeddingsConfiguration()
                .embeddings(
                        settings,
                        embeddingSettings,
                        clients,
                        new ModelAdmission(settings, AdmissionSettings.DEFAULTS, new SimpleMeterRegistry()));
    }

    @AfterEach
    void stop() {
        clients.destroy();
        fake.close();
    }

    @Test
    void embedsInBatchesKeepingTheOrderOfTheTexts() {
        var texts = IntStream.range(0, 25).mapToObj(i -> "text number " + i).toList();

        var vectors = embeddings.embed(texts);

        assertThat(embeddings.available()).isTrue();
        assertThat(embeddings.model()).isEqualTo("text-embedding-3-small");
        assertThat(fake.embeddingRequests().size()).isEqualTo(3);
        assertThat(vectors).hasSize(25);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(vectors.get(i)).hasSize(Embeddings.DIMENSIONS);
            assertThat(vectors.get(i)).containsExactly(FakeOpenAi.vector(texts.get(i), 1536));
        }
    }

    @Test
    void retriesRateLimitsAndServerErrorsWithBackoff() {
        fake.enqueueEmbeddings(FakeOpenAi.Reply.status(429), FakeOpenAi.Reply.status(429));

        var vectors = embeddings.embed(List.of("refund policy"));

        assertThat(vectors).hasSize(1);
        assertThat(fake.embeddingRequests().size()).isEqualTo(3);
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        fake.enqueueEmbeddings(
                FakeOpenAi.Reply.status(503), FakeOpenAi.Reply.status(503), FakeOpenAi.Reply.status(503));

        assertThatThrownBy(() -> embeddings.embed(List.of("refund policy")))
                .isInstanceOf(UpstreamUnavailable.class)
                .satisfies(e -> assertThat(((UpstreamUnavailable) e).reason())
                        .isEqualTo(UpstreamUnavailable.Reason.PROVIDER_ERROR));
        assertThat(fake.embeddingRequests().size()).isEqualTo(3);
    }

    @Test
    void doesNotRetryARequestTheProviderRefuses() {
        fake.enqueueEmbeddings(FakeOpenAi.Reply.status(400));

        assertThatThrownBy(() -> embeddings.embed(List.of("refund policy"))).isInstanceOf(UpstreamUnavailable.class);
        assertThat(fake.embeddingRequests().size()).isEqualTo(1);
    }

    @Test
    void offlineEmbeddingsAreUnavailable() {
        var offline = new OfflineEmbeddings("text-embedding-3-small");

        assertThat(offline.available()).isFalse();
        assertThat(offline.embed(List.of())).isEmpty();
        assertThatThrownBy(() -> offline.embed(List.of("x"))).isInstanceOf(UpstreamUnavailable.class);
    }

    @Test
    void concurrencyIsBoundedBySemaphorePermits() throws Exception {
        var settings = new LlmSettings(
                null,
                URI.create("http://127.0.0.1:1"),
                "c",
                "e",
                Duration.ofMillis(100),
                1,
                0,
                Duration.ofMillis(10),
                Duration.ofMillis(10),
                Duration.ofMillis(100),
                Duration.ofMillis(100),
                64);
        var meters = new SimpleMeterRegistry();
        var admission = new ModelAdmission(settings, AdmissionSettings.DEFAULTS, meters);
        var deadline = Deadline.after(Duration.ofSeconds(5));

        var held = admission.admit(deadline, 10);
        assertThat(admission.inFlight()).isEqualTo(1);
        assertThatThrownBy(() -> admission.admit(deadline, 10))
                .isInstanceOf(UpstreamUnavailable.class)
                .satisfies(
                        e -> assertThat(((UpstreamUnavailable) e).reason()).isEqualTo(UpstreamUnavailable.Reason.BUSY));
        assertThat(meters.get("yuno.llm.admission.refused")
                        .tag("reason", "busy")
                        .counter()
                        .count())
                .isEqualTo(1);

        held.close();
        try (var third = admission.admit(deadline, 10)) {
            assertThat(admission.inFlight()).isEqualTo(1);
        }
        assertThat(admission.inFlight()).isZero();
    }

    private static LlmSettings settings(String key, URI baseUrl, Duration acquireTimeout, int maxConcurrency) {
        return new LlmSettings(
                key,
                baseUrl,
                "gpt-4o-mini",
                "text-embedding-3-small",
                Duration.ofSeconds(5),
                maxConcurrency,
                2,
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                acquireTimeout,
                Duration.ofSeconds(5),
                1024);
    }
}
