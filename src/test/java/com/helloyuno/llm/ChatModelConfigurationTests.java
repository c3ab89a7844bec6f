package com.helloyuno.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** A chat model bean exists online and offline, and says which it is. */
class ChatModelConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withUserConfiguration(Config.class);

    @Test
    void withoutAnApiKeyTheModelIsOfflineAndSaysSo() {
        runner.withPropertyValues("yuno.llm.openai-api-key=").run(context -> {
            var model = context.getBean(ChatModel.class);
            assertThat(model.available()).isFalse();
            assertThatThrownBy(() -> model.stream(ChatRequest.of(ChatMessage.user("Hi")), token -> {}))
                    .isInstanceOfSatisfying(UpstreamUnavailable.class, e -> {
                        assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.OFFLINE);
                        assertThat(e.tokensSent()).isFalse();
                        assertThat(e.status().value()).isEqualTo(503);
                    });
        });
    }

    @Test
    void withAnApiKeyTheModelIsOnline() {
        runner.withPropertyValues("yuno.llm.openai-api-key=sk-test", "yuno.llm.base-url=http://127.0.0.1:9/v1")
                .run(context -> {
                    assertThat(context.getBean(ChatModel.class).available()).isTrue();
                    assertThat(context.getBean(OpenAiClients.class).client()).isPresent();
                });
    }

    @Test
    void chatSettingsHaveDefaults() {
        runner.run(context -> {
            var settings = context.getBean(LlmSettings.class);
            assertThat(settings.maxAttempts()).isEqualTo(3);
            assertThat(settings.maxConcurrency()).isEqualTo(1000);
            assertThat(settings.acquireTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
            assertThat(settings.firstTokenTimeout()).isEqualTo(java.time.Duration.ofSeconds(15));
            assertThat(settings.maxOutputTokens()).isEqualTo(1024);
        });
    }

    @Test
    void aClientsRoleStringNeverBecomesASystemMessage() {
        assertThat(ChatMessage.Role.fromVisitor("user")).contains(ChatMessage.Role.USER);
        assertThat(ChatMessage.Role.fromVisitor("assistant")).contains(ChatMessage.Role.ASSISTANT);
        assertThat(ChatMessage.Role.fromVisitor("system")).isEmpty();
        assertThat(ChatMessage.Role.fromVisitor("System")).isEmpty();
        assertThat(ChatMessage.Role.fromVisitor("developer")).isEmpty();
        assertThat(ChatMessage.Role.fromVisitor("USER")).isEmpty();
    }

    @EnableConfigurationProperties({LlmSettings.class, AdmissionSettings.class, TransportSettings.class})
    @Import({OpenAiClients.class, ChatModelConfiguration.class, ModelAdmission.class})
    static class Config {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
