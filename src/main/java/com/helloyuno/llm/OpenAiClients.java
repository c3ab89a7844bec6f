package com.helloyuno.llm;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The one openai-java client of the instance, built from {@link LlmSettings} when an API key is
 * configured. Its own retries are off: the adapters retry with their own backoff, outside the
 * concurrency permit.
 */
@Component
class OpenAiClients implements DisposableBean {

    private final @Nullable OpenAIClient client;

    OpenAiClients(LlmSettings settings) {
        this.client = settings.online()
                ? new OpenAIClientImpl(ClientOptions.builder()
                        .httpClient(new JdkHttpTransport(settings.timeout()))
                        .apiKey(settings.openaiApiKey())
                        .baseUrl(settings.baseUrl().toString())
                        .timeout(settings.timeout())
                        .maxRetries(0)
                        .build())
                : null;
    }

    Optional<OpenAIClient> client() {
        return Optional.ofNullable(client);
    }

    @Override
    public void destroy() {
        if (client != null) {
            client.close();
        }
    }
}
