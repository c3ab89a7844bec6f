package com.helloyuno.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.testsupport.FakeOpenAi.Reply;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.InternalServerException;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fake speaks OpenAI's embeddings protocol as openai-java understands it. */
class FakeOpenAiTests {

    @ParameterizedTest
    @EnumSource(
            value = EmbeddingCreateParams.EncodingFormat.Known.class,
            names = {"FLOAT", "BASE64"})
    void embeddingsAreDeterministicUnitVectorsInEitherEncoding(EmbeddingCreateParams.EncodingFormat.Known format) {
        try (var fake = new FakeOpenAi()) {
            var client = client(fake);
            try {
                var response = client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("text-embedding-3-small")
                                .inputOfArrayOfStrings(List.of("refund policy", "our refund policy", "opening hours"))
                                .encodingFormat(EmbeddingCreateParams.EncodingFormat.of(
                                        format.name().toLowerCase()))
                                .dimensions(1536)
                                .build());

                var vectors = response.data().stream().map(e -> e.embedding()).toList();
                assertThat(vectors).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(1536));
                var expected = FakeOpenAi.vector("refund policy", 1536);
                assertThat(vectors.get(0).get(indexOfMax(expected))).isEqualTo(expected[indexOfMax(expected)]);
                assertThat(cosine(vectors.get(0), vectors.get(1)))
                        .isGreaterThan(cosine(vectors.get(0), vectors.get(2)));
                assertThat(cosine(vectors.get(0), vectors.get(0)))
                        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
                assertThat(fake.embeddingRequests().getFirst().inputs()).hasSize(3);
            } finally {
                client.close();
            }
        }
    }

    @Test
    void embeddingsCanBeToldToFail() {
        try (var fake = new FakeOpenAi()) {
            fake.enqueueEmbeddings(Reply.status(500));
            var client = client(fake);
            try {
                var params = EmbeddingCreateParams.builder()
                        .model("m")
                        .input("hello")
                        .build();
                org.assertj.core.api.Assertions.assertThatThrownBy(
                                () -> client.embeddings().create(params))
                        .isInstanceOf(InternalServerException.class);
                assertThat(client.embeddings().create(params).data()).hasSize(1);
            } finally {
                client.close();
            }
        }
    }

    private static com.openai.client.OpenAIClient client(FakeOpenAi fake) {
        return OpenAIOkHttpClient.builder()
                .apiKey("test-key")
                .baseUrl(fake.baseUrl())
                .maxRetries(0)
                .build();
    }

    private static int indexOfMax(float[] values) {
        var best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double cosine(List<Float> a, List<Float> b) {
        var dot = 0.0;
        for (int i = 0; i < a.size(); i++) {
            dot += a.get(i) * b.get(i);
        }
        return dot;
    }
}
