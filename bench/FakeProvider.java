// The chat benchmark's fake OpenAI-compatible provider; see ChatBench.java.

import module java.base;
import module jdk.httpserver;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code POST /v1/chat/completions} (streamed chunks, or one JSON completion; structured
 * requests get the smallest JSON their schema allows) and {@code POST /v1/embeddings} (one
 * fixed unit vector), on loopback, one virtual thread per request. How an answer streams is
 * set at run time through {@code /bench/mode?chunks=N&delay_ms=D} (each chunk waits D ms
 * before it is written), and {@code /bench/stats} reports what it served.
 */
final class FakeProvider {
    volatile int chunks = 50;
    volatile long delayMs = 0;
    final AtomicLong streamed = new AtomicLong();
    final AtomicLong completions = new AtomicLong();
    final AtomicLong structured = new AtomicLong();
    final AtomicLong embeddings = new AtomicLong();
    final AtomicInteger streams = new AtomicInteger();
    final AtomicInteger maxStreams = new AtomicInteger();
    final AtomicLong ids = new AtomicLong();

    void serve(Path portFile) throws Exception {
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/embeddings", this::embeddings);
        server.createContext("/bench/mode", this::mode);
        server.createContext("/bench/stats", this::stats);
        server.start();
        var tmp = Path.of(portFile + ".tmp");
        Files.writeString(tmp, Integer.toString(server.getAddress().getPort()));
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
        System.err.println("[fake] OpenAI-compatible fake on 127.0.0.1:" + server.getAddress().getPort());
        // Bounded: the script stops it; it also ends by itself after two hours.
        Thread.sleep(Duration.ofHours(2));
        server.stop(0);
    }

    void mode(HttpExchange exchange) throws IOException {
        try (exchange) {
            var query = query(exchange.getRequestURI());
            chunks = Integer.parseInt(query.getOrDefault("chunks", Integer.toString(chunks)));
            delayMs = Long.parseLong(query.getOrDefault("delay_ms", Long.toString(delayMs)));
            maxStreams.set(streams.get());
            send(exchange, 200, "application/json", statsJson());
        }
    }

    void stats(HttpExchange exchange) throws IOException {
        try (exchange) {
            send(exchange, 200, "application/json", statsJson());
        }
    }

    String statsJson() {
        var stats = new LinkedHashMap<String, Object>();
        stats.put("chunks", chunks);
        stats.put("delay_ms", delayMs);
        stats.put("streamed", streamed.get());
        stats.put("completions", completions.get());
        stats.put("structured", structured.get());
        stats.put("embeddings", embeddings.get());
        stats.put("streams", streams.get());
        stats.put("max_streams", maxStreams.get());
        return Json.write(stats);
    }

    @SuppressWarnings("unchecked")
    void chat(HttpExchange exchange) throws IOException {
        try (exchange) {
            var body = (Map<String, Object>)
                    Json.parse(new String(exchange.getRequestBody().readAllBytes(), UTF_8));
            var model = String.valueOf(body.getOrDefault("model", "gpt-4o-mini"));
            var promptChars = 0;
            for (var message : (List<Object>) body.getOrDefault("messages", List.of())) {
                promptChars += String.valueOf(((Map<String, Object>) message).get("content")).length();
            }
            var promptTokens = (promptChars + 3) / 4;
            var format = (Map<String, Object>) body.get("response_format");
            if (format != null && "json_schema".equals(format.get("type"))) {
                structured.incrementAndGet();
                var schema = ((Map<String, Object>) format.get("json_schema")).get("schema");
                whole(exchange, model, Json.write(example(schema, schema)), promptTokens, 20);
                return;
            }
            if (!Boolean.TRUE.equals(body.get("stream"))) {
                completions.incrementAndGet();
                whole(exchange, model, "What is the refund policy?", promptTokens, 8);
                return;
            }
            streamed.incrementAndGet();
            var now = streams.incrementAndGet();
            maxStreams.accumulateAndGet(now, Math::max);
            try {
                stream(exchange, body, model, promptTokens);
            } finally {
                streams.decrementAndGet();
            }
        } catch (IOException | UncheckedIOException e) {
            // The caller went away.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    void stream(HttpExchange exchange, Map<String, Object> body, String model, int promptTokens)
            throws IOException, InterruptedException {
        var count = chunks;
        var delay = delayMs;
        var options = (Map<String, Object>) body.get("stream_options");
        var includeUsage = options != null && Boolean.TRUE.equals(options.get("include_usage"));
        var id = "chatcmpl-bench-" + ids.incrementAndGet();
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        var out = exchange.getResponseBody();
        event(out, chunk(id, model, "{\"role\":\"assistant\",\"content\":\"\"}", null, includeUsage));
        for (int i = 0; i < count; i++) {
            if (delay > 0) {
                Thread.sleep(delay);
            }
            var word = (i == 0 ? "Answer" : " word" + i);
            event(out, chunk(id, model, "{\"content\":" + Json.quote(word) + "}", null, includeUsage));
        }
        event(out, chunk(id, model, "{}", "stop", includeUsage));
        if (includeUsage) {
            event(
                    out,
                    "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":"
                            + Json.quote(model) + ",\"system_fingerprint\":null,\"choices\":[],\"usage\":"
                            + usage(promptTokens, count) + "}");
        }
        out.write("data: [DONE]\n\n".getBytes(UTF_8));
        out.flush();
    }

    static String chunk(String id, String model, String delta, String finish, boolean includeUsage) {
        return "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":"
                + Json.quote(model) + ",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + (finish == null ? "null" : Json.quote(finish)) + "}]"
                + (includeUsage ? ",\"usage\":null" : "") + "}";
    }

    void whole(HttpExchange exchange, String model, String content, int promptTokens, int completionTokens)
            throws IOException {
        var json = "{\"id\":\"chatcmpl-bench-" + ids.incrementAndGet()
                + "\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":" + Json.quote(model)
                + ",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":" + Json.quote(content) + ",\"refusal\":null},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}],\"usage\":" + usage(promptTokens, completionTokens) + "}";
        send(exchange, 200, "application/json", json);
    }

    static String usage(int prompt, int completion) {
        return "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                + (prompt + completion) + "}";
    }

    static void event(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(UTF_8));
        out.flush();
    }

    @SuppressWarnings("unchecked")
    void embeddings(HttpExchange exchange) throws IOException {
        try (exchange) {
            embeddings.incrementAndGet();
            var body = (Map<String, Object>)
                    Json.parse(new String(exchange.getRequestBody().readAllBytes(), UTF_8));
            var input = body.get("input");
            var inputs = input instanceof List<?> list ? list.size() : 1;
            var dimensions = body.get("dimensions") instanceof Number n ? n.intValue() : 1536;
            var base64 = "base64".equals(body.get("encoding_format"));
            var out = new StringBuilder("{\"object\":\"list\",\"model\":")
                    .append(Json.quote(String.valueOf(body.get("model"))))
                    .append(",\"data\":[");
            var vector = vector(dimensions, base64);
            for (int i = 0; i < inputs; i++) {
                out.append(i == 0 ? "" : ",")
                        .append("{\"object\":\"embedding\",\"index\":")
                        .append(i)
                        .append(",\"embedding\":")
                        .append(vector)
                        .append('}');
            }
            out.append("],\"usage\":{\"prompt_tokens\":")
                    .append(inputs * 8)
                    .append(",\"total_tokens\":")
                    .append(inputs * 8)
                    .append("}}");
            send(exchange, 200, "application/json", out.toString());
        } catch (IOException | UncheckedIOException e) {
            // The caller went away.
        }
    }

    final Map<String, String> vectors = new ConcurrentHashMap<>();

    /** The same unit vector for every text: every passage is as near as can be to every question. */
    String vector(int dimensions, boolean base64) {
        return vectors.computeIfAbsent(dimensions + (base64 ? "b" : "f"), key -> {
            if (base64) {
                var bytes = ByteBuffer.allocate(dimensions * 4).order(ByteOrder.LITTLE_ENDIAN);
                bytes.putFloat(1f);
                return Json.quote(Base64.getEncoder().encodeToString(bytes.array()));
            }
            var out = new StringBuilder("[1.0");
            for (int i = 1; i < dimensions; i++) {
                out.append(",0.0");
            }
            return out.append(']').toString();
        });
    }

    /** The smallest JSON value that fits a (strict, OpenAI-style) JSON schema. */
    @SuppressWarnings("unchecked")
    static Object example(Object node, Object root) {
        var schema = (Map<String, Object>) node;
        if (schema.get("$ref") instanceof String ref) {
            Object target = root;
            for (var part : ref.replaceFirst("^#/?", "").split("/")) {
                if (!part.isEmpty()) {
                    target = ((Map<String, Object>) target).get(part);
                }
            }
            return example(target, root);
        }
        if (schema.get("enum") instanceof List<?> values) {
            return values.getFirst();
        }
        if (schema.containsKey("const")) {
            return schema.get("const");
        }
        for (var combinator : List.of("anyOf", "oneOf", "allOf")) {
            if (schema.get(combinator) instanceof List<?> options) {
                return example(options.getFirst(), root);
            }
        }
        var type = "object";
        if (schema.get("type") instanceof String t) {
            type = t;
        } else if (schema.get("type") instanceof List<?> types) {
            type = types.stream().map(String::valueOf).filter(t -> !t.equals("null")).findFirst().orElse("null");
        }
        return switch (type) {
            case "string" -> "en";
            case "number" -> 0.8;
            case "integer" -> 1;
            case "boolean" -> false;
            case "array" -> List.of();
            case "null" -> null;
            default -> {
                var object = new LinkedHashMap<String, Object>();
                var properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
                properties.forEach((name, property) -> object.put(name, example(property, root)));
                yield object;
            }
        };
    }

    static Map<String, String> query(URI uri) {
        var out = new HashMap<String, String>();
        if (uri.getRawQuery() != null) {
            for (var pair : uri.getRawQuery().split("&")) {
                var kv = pair.split("=", 2);
                out.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], UTF_8) : "");
            }
        }
        return out;
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        var bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
