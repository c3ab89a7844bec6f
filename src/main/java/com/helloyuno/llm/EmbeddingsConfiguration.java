package com.helloyuno.llm;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Online with an API key, offline without one. */
@Configuration(proxyBeanMethods = false)
class EmbeddingsConfiguration {

    @Bean
    Embeddings embeddings(
            LlmSettings settings,
            EmbeddingSettings embeddingSettings,
            OpenAiClients clients,
            ModelCallLimiter limiter) {
        return clients.client()
                .<Embeddings>map(
                        client -> new OpenAiEmbeddings(client, limiter, settings.embeddingModel(), embeddingSettings))
                .orElseGet(() -> new OfflineEmbeddings(settings.embeddingModel()));
    }
}
