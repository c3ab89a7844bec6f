package com.helloyuno.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A site owner's webhook receiver on loopback, for tests: it records every request it gets and
 * answers with the scripted responses in turn, then with {@code 200}.
 */
final class Receiver implements AutoCloseable {

    /** One request as received. */
    record Received(Instant at, String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            var values = headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst();
            return values.map(e -> e.getValue().getFirst()).orElse(null);
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** An answer: a status, and headers such as Retry-After. */
    record Answer(int status, Map<String, String> headers, long delayMs) {
        static Answer of(int status) {
            return new Answer(status, Map.of(), 0);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private volatile long defaultDelayMs;

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            var body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(
                    Instant.now(), exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
            var answer = script.poll();
            if (answer == null) {
                answer = new Answer(200, Map.of(), defaultDelayMs);
            }
            if (answer.delayMs() > 0) {
                try {
                    Thread.sleep(answer.delayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            var reply = "{\"ok\":true}".getBytes();
            exchange.sendResponseHeaders(answer.status(), reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void answer(Answer... answers) {
        script.addAll(List.of(answers));
    }

    void slowBy(long delayMs) {
        this.defaultDelayMs = delayMs;
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    List<Received> receivedAt(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
