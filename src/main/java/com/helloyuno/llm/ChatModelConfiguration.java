package com.helloyuno.llm;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The chat model: openai-java with an API key, the offline stand-in without one. */
@Configuration(proxyBeanMethods = false)
class ChatModelConfiguration {

    @Bean
    ChatModel chatModel(LlmSettings settings, OpenAiClients clients, ModelAdmission admission, MeterRegistry meters) {
        return clients.client()
                .<ChatModel>map(client -> new OpenAiChatModel(client, settings, admission, meters))
                .orElseGet(OfflineChatModel::new);
    }
}
