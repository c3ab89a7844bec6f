package com.helloyuno.llm;

import com.openai.client.OpenAIClient;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIRetryableException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeddings from any OpenAI-compatible server through openai-java: batches of {@code
 * yuno.llm.embeddings.batch-size} texts, each batch one request that holds a concurrency permit
 * only while it is in flight, retried with exponential backoff and jitter on 429, 5xx and I/O
 * errors.
 */
final class OpenAiEmbeddings implements Embeddings {

    private static final Logger log = LoggerFactory.getLogger(OpenAiEmbeddings.class);

    private final OpenAIClient client;
    private final ModelCallLimiter limiter;
    private final String model;
    private final EmbeddingSettings settings;

    OpenAiEmbeddings(OpenAIClient client, ModelCallLimiter limiter, String model, EmbeddingSettings settings) {
        this.client = client;
        this.limiter = limiter;
        this.model = model;
        this.settings = settings;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        var out = new ArrayList<float[]>(texts.size());
        for (int from = 0; from < texts.size(); from += settings.batchSize()) {
            var batch = texts.subList(from, Math.min(texts.size(), from + settings.batchSize()));
            out.addAll(embedWithRetries(batch));
        }
        return out;
    }

    private List<float[]> embedWithRetries(List<String> batch) {
        var backoff = settings.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return limiter.call(() -> request(batch));
            } catch (OpenAIServiceException e) {
                if (!retryable(e.statusCode()) || attempt >= settings.maxAttempts()) {
                    log.warn("Embeddings request failed with HTTP {} (attempt {})", e.statusCode(), attempt);
                    throw new UpstreamUnavailable(
                            e.statusCode() == 429
                                    ? UpstreamUnavailable.Reason.RATE_LIMITED
                                    : UpstreamUnavailable.Reason.PROVIDER_ERROR,
                            false);
                }
                sleep(retryAfter(e).orElse(jittered(backoff)));
            } catch (OpenAIIoException | OpenAIRetryableException e) {
                if (attempt >= settings.maxAttempts()) {
                    log.warn(
                            "Embeddings request failed: {} (attempt {})",
                            e.getClass().getSimpleName(),
                            attempt);
                    throw new UpstreamUnavailable(UpstreamUnavailable.Reason.PROVIDER_ERROR, false);
                }
                sleep(jittered(backoff));
            }
            backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
        }
    }

    private List<float[]> request(List<String> batch) {
        var params = EmbeddingCreateParams.builder()
                .model(model)
                .inputOfArrayOfStrings(batch)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64);
        if (model.startsWith("text-embedding-3")) {
            params.dimensions(DIMENSIONS);
        }
        var response = client.embeddings().create(params.build());
        var data = response.data();
        if (data.size() != batch.size()) {
            throw new UpstreamUnavailable(UpstreamUnavailable.Reason.BAD_RESPONSE, false);
        }
        var vectors = new float[batch.size()][];
        for (var embedding : data) {
            var values = embedding.embedding();
            var index = (int) embedding.index();
            if (values.size() != DIMENSIONS || index < 0 || index >= vectors.length) {
                throw new UpstreamUnavailable(UpstreamUnavailable.Reason.BAD_RESPONSE, false);
            }
            var vector = new float[DIMENSIONS];
            for (int i = 0; i < DIMENSIONS; i++) {
                vector[i] = values.get(i);
            }
            vectors[index] = vector;
        }
        for (var vector : vectors) {
            if (vector == null) {
                throw new UpstreamUnavailable(UpstreamUnavailable.Reason.BAD_RESPONSE, false);
            }
        }
        return List.of(vectors);
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    private java.util.Optional<Duration> retryAfter(OpenAIServiceException e) {
        var values = e.headers().values("retry-after");
        if (values.isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            var seconds = Double.parseDouble(values.getFirst().trim());
            return java.util.Optional.of(min(Duration.ofMillis((long) (seconds * 1000)), settings.maxBackoff()));
        } catch (NumberFormatException ignored) {
            return java.util.Optional.empty();
        }
    }

    private static Duration jittered(Duration base) {
        var millis = base.toMillis();
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailable(UpstreamUnavailable.Reason.TIMEOUT, false);
        }
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
