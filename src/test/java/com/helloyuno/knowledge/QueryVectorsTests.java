package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.llm.Embeddings;
import com.helloyuno.llm.UpstreamUnavailable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Questions' vectors remembered per site and model, for a while, within their memory. */
class QueryVectorsTests {

    /** An embeddings provider that answers each text with its own vector, and counts the texts it was sent. */
    private static class Provider implements Embeddings {
        final List<String> asked = new ArrayList<>();
        String model = "text-embedding-3-small";
        boolean failing;
        boolean zero;

        @Override
        public List<float[]> embed(List<String> texts) {
            asked.addAll(texts);
            if (failing) {
                throw new UpstreamUnavailable(UpstreamUnavailable.Reason.TIMEOUT, false);
            }
            return texts.stream().map(this::vector).toList();
        }

        private float[] vector(String text) {
            var vector = new float[DIMENSIONS];
            if (!zero) {
                vector[Math.floorMod(text.hashCode(), DIMENSIONS)] = 1;
            }
            return vector;
        }

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public String model() {
            return model;
        }
    }

    private final Provider provider = new Provider();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private QueryVectors vectors(String size) {
        return vectors(size, "1h");
    }

    private QueryVectors vectors(String size, String ttl) {
        return vectors(size, ttl, "0.25");
    }

    private QueryVectors vectors(String size, String ttl, String siteShare) {
        Map<String, String> properties = new HashMap<>();
        properties.put("yuno.knowledge.retrieval.query-vector-cache-site-share", siteShare);
        properties.put("yuno.knowledge.retrieval.query-vector-cache-size", size);
        properties.put("yuno.knowledge.retrieval.query-vector-cache-ttl", ttl);
        var settings = new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("yuno.knowledge", KnowledgeSettings.class);
        return new QueryVectors(provider, settings, meters, now::get);
    }

    /** Memory for this many remembered questions. */
    private static String roomFor(int questions) {
        return ((long) questions * (Embeddings.DIMENSIONS * Float.BYTES + QueryVectors.OVERHEAD_BYTES)) + "B";
    }

    private double counted(String result) {
        return meters.get("yuno.knowledge.query.vectors")
                .tag("result", result)
                .counter()
                .count();
    }

    @Test
    void aQuestionAskedAgainOfTheSameSiteIsAnsweredFromMemoryWithTheSameVector() {
        var vectors = vectors("16MB");

        var first = vectors.of("site-a", "What are your opening hours?");
        var again = vectors.of("site-a", "What are your opening hours?");

        assertThat(provider.asked).containsExactly("What are your opening hours?");
        assertThat(again).isSameAs(first).isNotNull();
        assertThat(counted("hit")).isEqualTo(1);
        assertThat(counted("miss")).isEqualTo(1);
        assertThat(meters.get("yuno.knowledge.query.vectors.size").gauge().value())
                .isEqualTo(1);
    }

    @Test
    void anotherSiteAnotherQuestionOrAnotherModelIsAskedOfTheProvider() {
        var vectors = vectors("16MB");
        vectors.of("site-a", "Opening hours?");

        vectors.of("site-b", "Opening hours?");
        vectors.of("site-a", "Opening hours? ");
        vectors.of("site-a", "opening hours?");
        provider.model = "text-embedding-3-large";
        vectors.of("site-a", "Opening hours?");

        // A site's visitors never learn from a faster answer what another site's visitors asked.
        assertThat(provider.asked)
                .containsExactly(
                        "Opening hours?", "Opening hours?", "Opening hours? ", "opening hours?", "Opening hours?");
        assertThat(counted("hit")).isZero();
    }

    @Test
    void aSiteAndModelThatRunTogetherAlikeAreStillTwoKeys() {
        var vectors = vectors("16MB");
        provider.model = "bc";
        vectors.of("a", "same question");

        provider.model = "c";
        vectors.of("ab", "same question");

        assertThat(provider.asked).containsExactly("same question", "same question");
    }

    @Test
    void aVectorIsRememberedNoLongerThanItsTimeToLive() {
        var vectors = vectors("16MB", "10m");
        vectors.of("site-a", "Refunds?");

        now.addAndGet(Duration.ofMinutes(10).minusNanos(1).toNanos());
        vectors.of("site-a", "Refunds?");
        assertThat(provider.asked).hasSize(1);

        now.addAndGet(1);
        vectors.of("site-a", "Refunds?");
        assertThat(provider.asked).hasSize(2);
    }

    @Test
    void whenMemoryIsFullTheOldestLeaveFirst() {
        var vectors = vectors(roomFor(2), "1h", "1.0");
        vectors.of("site-a", "first");
        vectors.of("site-a", "second");
        vectors.of("site-a", "first"); // asked again: still the oldest stored

        vectors.of("site-a", "third");

        assertThat(vectors.size()).isEqualTo(2);
        provider.asked.clear();
        vectors.of("site-a", "second");
        vectors.of("site-a", "third");
        vectors.of("site-a", "first");
        assertThat(provider.asked).containsExactly("first");
    }

    @Test
    void oneBusySiteKeepsItsShareAndCannotPushTheOthersOut() {
        var vectors = vectors(roomFor(4), "1h", "0.5");
        vectors.of("quiet", "q1");
        vectors.of("quiet", "q2");

        // The busy site asks five different questions: it keeps its last two, its share.
        for (int i = 1; i <= 5; i++) {
            vectors.of("busy", "b" + i);
        }

        assertThat(vectors.size()).isEqualTo(4);
        provider.asked.clear();
        vectors.of("quiet", "q1");
        vectors.of("quiet", "q2");
        vectors.of("busy", "b4");
        vectors.of("busy", "b5");
        assertThat(provider.asked).isEmpty();
        vectors.of("busy", "b3");
        assertThat(provider.asked).containsExactly("b3");
    }

    @Test
    void expiredVectorsLeaveMemoryEvenWhenNobodyAsksAgain() {
        var vectors = vectors("16MB", "10m");
        vectors.of("site-a", "asked once");
        vectors.of("site-b", "asked once too");

        now.addAndGet(Duration.ofMinutes(10).toNanos());
        vectors.of("site-c", "a new question");

        assertThat(vectors.size()).isEqualTo(1);
    }

    @Test
    void aFailedCallOrAZeroVectorIsNotRememberedAndTheNextAskerTriesAgain() {
        var vectors = vectors("16MB");
        provider.failing = true;
        assertThat(vectors.of("site-a", "Shipping?")).isNull();
        provider.failing = false;
        provider.zero = true;
        assertThat(vectors.of("site-a", "Shipping?")).isNull();
        provider.zero = false;

        assertThat(vectors.of("site-a", "Shipping?")).isNotNull();
        assertThat(vectors.of("site-a", "Shipping?")).isNotNull();

        assertThat(provider.asked).hasSize(3);
    }

    @Test
    void aSizeOrTimeToLiveOfZeroRemembersNothing() {
        for (var vectors : List.of(vectors("0B"), vectors("16MB", "0s"))) {
            provider.asked.clear();

            vectors.of("site-a", "Warranty?");
            vectors.of("site-a", "Warranty?");

            assertThat(provider.asked).hasSize(2);
            assertThat(vectors.size()).isZero();
        }
    }

    @Test
    void offlineThereIsNoVectorAndNothingIsAsked() {
        var offline = new Provider() {
            @Override
            public boolean available() {
                return false;
            }
        };
        var settings = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("yuno.knowledge", KnowledgeSettings.class);

        assertThat(new QueryVectors(offline, settings, meters, now::get).of("site-a", "Hours?"))
                .isNull();
        assertThat(offline.asked).isEmpty();
    }
}
