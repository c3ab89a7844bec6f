package com.helloyuno.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A loopback stand-in for Mixpanel's ingestion API as mixpanel-java uses it: {@code POST /track}
 * (also {@code /engage}, {@code /groups}, {@code /import}) with a form body {@code data=<base64 of a
 * JSON array of messages>}, optionally gzipped, answered {@code 1}. It decodes and records every
 * event it accepts, and can be told to fail with a status or to hang.
 *
 * <p>Point Yuno at it with {@code yuno.analytics.mixpanel-token=test-token} and {@code
 * yuno.analytics.mixpanel-api-url=}{@link #url()}.
 */
public final class FakeMixpanel implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Batch> batches = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile boolean hang;

    public FakeMixpanel() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL to configure as {@code MIXPANEL_API_URL}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** One event as Mixpanel would store it. */
    public record Event(String name, JsonNode properties) {

        public @Nullable String property(String name) {
            var value = properties.get(name);
            return value == null || value.isNull() ? null : value.asString();
        }

        public String distinctId() {
            return properties.path("distinct_id").asString();
        }
    }

    /** One request: its path, its query string and how many messages it carried. */
    public record Batch(String path, @Nullable String query, int size, int status) {}

    /** Every event accepted so far (failed and hanging requests record none). */
    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<Event> events(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    /** Every request received, accepted or not. */
    public List<Batch> batches() {
        return List.copyOf(batches);
    }

    /** Waits until at least {@code count} events were accepted; false on timeout. */
    public boolean awaitEvents(int count, Duration timeout) {
        var until = System.nanoTime() + timeout.toNanos();
        while (events.size() < count) {
            if (System.nanoTime() - until > 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Answers every request with this status (200 accepts). */
    public FakeMixpanel failWith(int httpStatus) {
        this.status = httpStatus;
        this.hang = false;
        return this;
    }

    /** Accepts connections and never answers, until {@link #healthy()} or {@link #close()}. */
    public FakeMixpanel hang() {
        this.hang = true;
        return this;
    }

    public FakeMixpanel healthy() {
        this.hang = false;
        this.status = 200;
        return this;
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var body = exchange.getRequestBody().readAllBytes();
            var encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null && encoding.contains("gzip")) {
                try (var gzip = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = gzip.readAllBytes();
                }
            }
            var decoded = decode(new String(body, StandardCharsets.UTF_8));
            var path = exchange.getRequestURI().getPath();
            var query = exchange.getRequestURI().getRawQuery();
            while (hang) {
                if (closed.await(20, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
            var answer = status;
            batches.add(new Batch(path, query, decoded.size(), answer));
            if (answer == 200 && path.equals("/track")) {
                for (var message : decoded) {
                    events.add(new Event(message.path("event").asString(), message.path("properties")));
                }
            }
            var reply = (answer == 200 ? "1" : "0").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(answer, reply.length);
            exchange.getResponseBody().write(reply);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client gave up.
        }
    }

    /** {@code data=<url-encoded base64 of a JSON array>} to the array's messages. */
    private static List<JsonNode> decode(String form) {
        var messages = new ArrayList<JsonNode>();
        for (var pair : form.split("&")) {
            if (pair.startsWith("data=")) {
                var base64 = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
                var json = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
                JSON.readTree(json).forEach(messages::add);
            }
        }
        return messages;
    }
}
