package com.helloyuno.knowledge;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small web site on 127.0.0.1 for crawls: pages, redirects and files set by the test and
 * changeable between crawls, and a log of every path requested.
 */
final class TestWebSite implements AutoCloseable {

    record Resource(int status, String contentType, byte[] body, String location) {}

    private final HttpServer server;
    private final Map<String, Resource> resources = new ConcurrentHashMap<>();
    private final List<String> requested = new CopyOnWriteArrayList<>();

    TestWebSite() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                var path = exchange.getRequestURI().getRawPath();
                if (exchange.getRequestURI().getRawQuery() != null) {
                    path += "?" + exchange.getRequestURI().getRawQuery();
                }
                requested.add(path);
                var resource = resources.get(path);
                if (resource == null) {
                    resource =
                            new Resource(404, "text/html", "<h1>Not found</h1>".getBytes(StandardCharsets.UTF_8), null);
                }
                if (resource.location() != null) {
                    exchange.getResponseHeaders().set("Location", resource.location());
                }
                exchange.getResponseHeaders().set("Content-Type", resource.contentType());
                exchange.sendResponseHeaders(
                        resource.status(), resource.body().length == 0 ? -1 : resource.body().length);
                exchange.getResponseBody().write(resource.body());
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    TestWebSite page(String path, String html) {
        resources.put(path, new Resource(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), null));
        return this;
    }

    TestWebSite file(String path, String contentType, byte[] body) {
        resources.put(path, new Resource(200, contentType, body, null));
        return this;
    }

    TestWebSite text(String path, String contentType, String body) {
        return file(path, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    TestWebSite redirect(String path, String location) {
        resources.put(path, new Resource(301, "text/html", new byte[0], location));
        return this;
    }

    TestWebSite remove(String path) {
        resources.remove(path);
        return this;
    }

    List<String> requested() {
        return List.copyOf(requested);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
