package com.helloyuno.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A loopback stand-in for Sentry's ingestion API: it accepts envelopes on {@code
 * /api/<project>/envelope/} as sentry.io does and keeps their text for assertions.
 */
public final class FakeSentry implements AutoCloseable {

    private final HttpServer server;
    private final List<String> envelopes = new CopyOnWriteArrayList<>();

    public FakeSentry() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/", exchange -> {
            var body = exchange.getRequestBody().readAllBytes();
            var encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null && encoding.contains("gzip")) {
                try (var gzip = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = gzip.readAllBytes();
                }
            }
            if (exchange.getRequestURI().getPath().endsWith("/envelope/")) {
                envelopes.add(new String(body, StandardCharsets.UTF_8));
            }
            var reply = "{\"id\":\"00000000000000000000000000000000\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
    }

    /** A DSN that points the Sentry SDK at this server. */
    public String dsn() {
        return "http://publickey@127.0.0.1:" + server.getAddress().getPort() + "/42";
    }

    public List<String> envelopes() {
        return List.copyOf(envelopes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
