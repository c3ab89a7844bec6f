package com.helloyuno.llm;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.http.HttpClient;
import java.net.Proxy;
import java.net.ProxySelector;
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

    static final String USER_AGENT = "Yuno";

    private final @Nullable OpenAIClient client;

    OpenAiClients(LlmSettings settings) {
        this(settings, TransportSettings.defaults());
    }

    @org.springframework.beans.factory.annotation.Autowired
    OpenAiClients(LlmSettings settings, TransportSettings transport) {
        this.client = settings.online()
                ? new OpenAIClientImpl(ClientOptions.builder()
                        .httpClient(transport(settings, transport))
                        .apiKey(settings.openaiApiKey())
                        .baseUrl(settings.baseUrl().toString())
                        .timeout(settings.timeout())
                        .maxRetries(0)
                        // Without openai-java's nine telemetry headers (X-Stainless-OS-Version,
                        // -Runtime-Version... and its User-Agent): they tell the provider about this
                        // host, and every request copied them through case-insensitive tree maps
                        // (3 % of the chat benchmark's samples). One User-Agent of our own instead.
                        .disableTelemetry(true)
                        .putHeader("User-Agent", USER_AGENT)
                        .build())
                : null;
    }

    /**
     * Plain HTTP/1.1 on the calling thread ({@link Http1Transport}), unless the JVM's proxy
     * settings ({@code https.proxyHost}, ...) send the provider's address through a proxy, which
     * only the JDK's client speaks to.
     */
    static HttpClient transport(LlmSettings settings, TransportSettings transport) {
        var proxies = ProxySelector.getDefault();
        var direct = proxies == null
                || proxies.select(settings.baseUrl()).stream().allMatch(p -> p.type() == Proxy.Type.DIRECT);
        return direct
                ? new Http1Transport(settings.timeout(), settings.timeout(), transport)
                : new JdkHttpTransport(settings.timeout());
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
