package com.helloyuno.llm;

import com.openai.core.RequestOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIIoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * openai-java's transport, on the JDK's own HTTP client: one client for the instance, its
 * connections kept and reused, no per-call set-up.
 *
 * <p>Why not openai-java's OkHttp transport: it builds a new {@code OkHttpClient} for every call
 * (to apply per-call timeouts), and OkHttp 4's connection pool schedules a cleanup task under one
 * shared lock every time a connection is returned; with hundreds of virtual threads calling, the
 * two were about a sixth of the CPU of a whole answer in the chat benchmark's profile. Deadlines do
 * not depend on the transport: {@link OpenAiChatModel} and {@link Attempts} enforce them and
 * interrupt a call that overruns (an interrupted send is cancelled, an interrupted read ends
 * with an {@code IOException}), so requests carry no timeout of their own.
 */
final class JdkHttpTransport implements HttpClient {

    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final java.net.http.HttpClient client;

    JdkHttpTransport(Duration connectTimeout) {
        this.client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                // Redirects are not followed: an API key must not be sent to wherever a 3xx points.
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                // The JVM's proxy settings (https.proxyHost, ...), as OkHttp honoured them; none: direct.
                .proxy(ProxySelector.getDefault())
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
        try {
            return adapt(client.send(
                    toJdk(request, requestOptions), java.net.http.HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new OpenAIIoException("Request failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenAIIoException("Request interrupted", new java.io.InterruptedIOException());
        } finally {
            closeBody(request);
        }
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions requestOptions) {
        java.net.http.HttpRequest jdk;
        try {
            jdk = toJdk(request, requestOptions);
        } catch (IOException e) {
            closeBody(request);
            return CompletableFuture.failedFuture(new OpenAIIoException("Request failed", e));
        }
        return client.sendAsync(jdk, java.net.http.HttpResponse.BodyHandlers.ofInputStream())
                .handle((response, failure) -> {
                    closeBody(request);
                    if (failure != null) {
                        throw new OpenAIIoException("Request failed", failure);
                    }
                    return adapt(response);
                });
    }

    @Override
    public void close() {
        client.close();
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request, RequestOptions options) throws IOException {
        var uri = URI.create(request.url());
        // No per-request timeout: the JDK client registers a timer for each one with its selector
        // thread (a wake-up and a cancellation per call, in the chat benchmark's profile), and our
        // own deadlines already end an overrunning call by interrupting it, which send() and the
        // body's stream honour. The connect timeout stays.
        var builder = java.net.http.HttpRequest.newBuilder(uri);
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            // No h2c upgrade attempt on plain HTTP (local and self-hosted servers); HTTPS
            // negotiates HTTP/2 where the provider offers it.
            builder.version(java.net.http.HttpClient.Version.HTTP_1_1);
        }
        var headers = request.headers();
        for (var name : headers.names()) {
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (var value : headers.values(name)) {
                builder.header(name, value);
            }
        }
        var body = request.body();
        if (body == null) {
            return builder.method(request.method().name(), java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build();
        }
        if (body.contentType() != null && headers.values("Content-Type").isEmpty()) {
            builder.header("Content-Type", body.contentType());
        }
        var bytes = new ByteArrayOutputStream(body.contentLength() > 0 ? (int) body.contentLength() : 1024);
        body.writeTo(bytes);
        return builder.method(
                        request.method().name(),
                        java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray()))
                .build();
    }

    private static void closeBody(HttpRequest request) {
        var body = request.body();
        if (body != null) {
            body.close();
        }
    }

    private static HttpResponse adapt(java.net.http.HttpResponse<InputStream> response) {
        var headers = Headers.builder();
        response.headers().map().forEach(headers::put);
        var built = headers.build();
        return new HttpResponse() {
            @Override
            public int statusCode() {
                return response.statusCode();
            }

            @Override
            public Headers headers() {
                return built;
            }

            @Override
            public InputStream body() {
                return response.body();
            }

            @Override
            public void close() {
                try {
                    response.body().close();
                } catch (IOException e) {
                    // Nothing left to read or release.
                }
            }
        };
    }
}
