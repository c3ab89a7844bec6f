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
            ModelAdmission admission) {
        return clients.client()
                .<Embeddings>map(client -> new OpenAiEmbeddings(
                        client, admission, settings.embeddingModel(), embeddingSettings, settings.timeout()))
                .orElseGet(() -> new OfflineEmbeddings(settings.embeddingModel()));
    }
}
