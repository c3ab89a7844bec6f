package com.helloyuno.llm;

import com.openai.client.OpenAIClient;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIRetryableException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeddings from any OpenAI-compatible server through openai-java: batches of {@code
 * yuno.llm.embeddings.batch-size} texts, each batch one request admitted by the same {@link
 * ModelAdmission} as chat calls and retried by the same {@link Attempts} loop, with exponential
 * back-off and jitter on 429, 5xx and I/O errors, within {@code yuno.llm.timeout} per batch.
 */
final class OpenAiEmbeddings implements Embeddings {

    private static final Logger log = LoggerFactory.getLogger(OpenAiEmbeddings.class);

    private final OpenAIClient client;
    private final ModelAdmission admission;
    private final String model;
    private final EmbeddingSettings settings;
    private final Attempts.Policy attempts;
    private final Duration timeout;

    OpenAiEmbeddings(
            OpenAIClient client, ModelAdmission admission, String model, EmbeddingSettings settings, Duration timeout) {
        this.client = client;
        this.admission = admission;
        this.model = model;
        this.settings = settings;
        this.attempts = new Attempts.Policy(settings.maxAttempts(), settings.initialBackoff(), settings.maxBackoff());
        this.timeout = timeout;
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
        long tokens = 0;
        for (var text : batch) {
            tokens += Tokens.estimate(text);
        }
        return Attempts.run("Embeddings request", attempts, admission, Deadline.after(timeout), tokens, deadline -> {
            try {
                return request(batch);
            } catch (OpenAIServiceException e) {
                var status = e.statusCode();
                return fail(
                        status == 429
                                ? UpstreamUnavailable.Reason.RATE_LIMITED
                                : UpstreamUnavailable.Reason.PROVIDER_ERROR,
                        retryable(status),
                        retryable(status) ? Attempts.retryAfter(e.headers()) : null,
                        "HTTP " + status);
            } catch (OpenAIIoException | OpenAIRetryableException | UncheckedIOException e) {
                return fail(
                        UpstreamUnavailable.Reason.PROVIDER_ERROR,
                        true,
                        null,
                        e.getClass().getSimpleName());
            }
        });
    }

    private static List<float[]> fail(
            UpstreamUnavailable.Reason reason, boolean retryable, @Nullable Duration retryAfter, String detail) {
        throw new Attempts.Failed(reason, retryable, false, retryAfter, detail);
    }

    private List<float[]> request(List<String> batch) {
        var params = EmbeddingCreateParams.builder()
                .model(model)
                .inputOfArrayOfStrings(batch)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64);
        if (model.startsWith("text-embedding-3")) {
            params.dimensions(DIMENSIONS);
        }
        try (var response = client.embeddings().withRawResponse().create(params.build())) {
            return ProviderWire.embeddings(response.body(), batch.size(), DIMENSIONS);
        } catch (ProviderWire.Unreadable e) {
            throw new UpstreamUnavailable(UpstreamUnavailable.Reason.BAD_RESPONSE, false);
        }
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
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
