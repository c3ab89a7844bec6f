package com.helloyuno.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client for tests: requests go over loopback to the running server, and every
 * exchange is checked against the OpenAPI description that server serves ({@link ApiContract}).
 */
public final class Http {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final String base;
    private volatile ApiContract contract;

    public Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** Read at the first request, while the server is surely up (some tests stop it later). */
    private ApiContract contract() {
        var known = contract;
        if (known == null) {
            known = ApiContract.servedAt(base);
            contract = known;
        }
        return known;
    }

    public Response get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
    }

    public Response post(String path, String body, String... headers) {
        return send(
                HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body)),
                headers);
    }

    /** A browser's CORS preflight of the widget's POST with its two headers. */
    public Response preflight(String path, String origin) {
        return method(
                "OPTIONS",
                path,
                null,
                "Origin",
                origin,
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "authorization,content-type");
    }

    public Response method(String method, String path, String body, String... headers) {
        var publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, publisher), headers);
    }

    public Response send(HttpRequest.Builder request, String... headers) {
        if (headers.length > 0) {
            request.headers(headers);
        }
        request.timeout(Duration.ofSeconds(30));
        var built = request.build();
        var contract = contract();
        try {
            var response = CLIENT.send(built, HttpResponse.BodyHandlers.ofString());
            contract.check(new ApiContract.Exchange(
                    built.method(),
                    built.uri(),
                    built.headers().map(),
                    body(built),
                    response.statusCode(),
                    response.headers().map(),
                    response.body()));
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The bytes a request's body publisher sends; the JDK's publishers of strings and arrays replay. */
    private static byte[] body(HttpRequest request) {
        var publisher = request.bodyPublisher().orElse(null);
        if (publisher == null || publisher.contentLength() == 0) {
            return new byte[0];
        }
        var out = new java.io.ByteArrayOutputStream();
        var done = new java.util.concurrent.CompletableFuture<Void>();
        publisher.subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(java.nio.ByteBuffer item) {
                var bytes = new byte[item.remaining()];
                item.get(bytes);
                out.writeBytes(bytes);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        return out.toByteArray();
    }

    public static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** What came back, with the body parsed on demand. */
    public record Response(int status, Map<String, java.util.List<String>> headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse(null);
        }
    }
}
