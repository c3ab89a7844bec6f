package com.helloyuno.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A loopback stand-in for an OpenAI-compatible server: {@code POST /v1/chat/completions} (JSON,
 * and {@code text/event-stream} chunks ending in {@code data: [DONE]}, with a usage chunk when
 * {@code stream_options.include_usage} asks for one) and {@code POST /v1/embeddings}.
 *
 * <p>It records every request it receives, with its messages and their roles, and answers each
 * chat request with the next {@link Reply} a test has {@link #enqueue queued}, or, when none is
 * queued, with the {@link #respondWith default responder}. The default is deterministic: {@code
 * "You asked: <last user message>"} streamed word by word, and for a structured request ({@code
 * response_format} {@code json_schema}) the smallest JSON that fits the schema (first enum value,
 * {@code "fake"}, {@code 0.5}, {@code 1}, {@code false}, {@code []}). Embeddings are deterministic
 * unit vectors made from the words of each input ({@link #vector}), so texts that share words, or
 * a few listed synonyms, are close.
 *
 * <p>Point Yuno at it with {@code yuno.llm.openai-api-key=test-key} and {@code
 * yuno.llm.base-url=}{@link #baseUrl()}.
 */
public final class FakeOpenAi implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long CREATED = 1_700_000_000L;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final Queue<Reply> embeddingReplies = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<EmbeddingRequest> embeddingRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Function<Request, Reply> responder = FakeOpenAi::deterministic;

    private static @Nullable FakeOpenAi shared;

    /** One server for the whole test JVM, for Spring contexts that are cached and shared by test classes. */
    public static synchronized FakeOpenAi shared() {
        if (shared == null) {
            shared = new FakeOpenAi();
        }
        return shared;
    }

    public FakeOpenAi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/embeddings", this::embeddings);
        server.start();
    }

    /** The base URL to configure as {@code OPENAI_BASE_URL}, ending in {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Replies for the next chat requests, in order; once used up, the default responder answers. */
    public FakeOpenAi enqueue(Reply... next) {
        replies.addAll(List.of(next));
        return this;
    }

    /** Replies for the next embedding requests (errors, hangs, delays); then deterministic vectors. */
    public FakeOpenAi enqueueEmbeddings(Reply... next) {
        embeddingReplies.addAll(List.of(next));
        return this;
    }

    /** Replaces the default responder, which answers whatever no queued reply answers. */
    public FakeOpenAi respondWith(Function<Request, Reply> defaultResponder) {
        this.responder = defaultResponder;
        return this;
    }

    /** The chat requests received so far, in order of arrival. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public Request lastRequest() {
        if (requests.isEmpty()) {
            throw new IllegalStateException("No chat request has arrived");
        }
        return requests.getLast();
    }

    public List<EmbeddingRequest> embeddingRequests() {
        return List.copyOf(embeddingRequests);
    }

    /** Chat and embedding requests being answered right now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most requests that were ever being answered at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Forgets requests and queued replies and restores the default responder. */
    public void reset() {
        replies.clear();
        embeddingReplies.clear();
        requests.clear();
        embeddingRequests.clear();
        maxInFlight.set(inFlight.get());
        responder = FakeOpenAi::deterministic;
    }

    /** Releases every hanging request and stops the server. */
    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** A chat request as received. */
    public record Request(
            String model,
            List<Message> messages,
            boolean stream,
            boolean includeUsage,
            @Nullable String schemaName,
            @Nullable JsonNode schema,
            JsonNode body,
            Map<String, List<String>> headers) {

        public @Nullable String authorization() {
            var values = header("Authorization");
            return values.isEmpty() ? null : values.getFirst();
        }

        /** A header's values as received, by its name in any case. */
        public List<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        public List<String> roles() {
            return messages.stream().map(Message::role).toList();
        }

        public String lastUserMessage() {
            return messages.reversed().stream()
                    .filter(m -> m.role().equals("user"))
                    .map(Message::content)
                    .findFirst()
                    .orElse("");
        }

        public @Nullable String systemPrompt() {
            return messages.stream()
                    .filter(m -> m.role().equals("system"))
                    .map(Message::content)
                    .findFirst()
                    .orElse(null);
        }

        public boolean structured() {
            return schema != null;
        }
    }

    public record Message(String role, String content) {}

    public record EmbeddingRequest(String model, List<String> inputs, String encodingFormat, int dimensions) {}

    /** How the fake answers one request. Immutable: each modifier returns a new reply. */
    public record Reply(
            int status,
            List<String> chunks,
            @Nullable Usage usage,
            Duration delay,
            Duration chunkDelay,
            int stallAfter,
            int failAfter,
            boolean hangs,
            Map<String, String> headers) {

        /** An answer; streamed one word (with its leading space) per chunk. */
        public static Reply text(String text) {
            return chunks(text.split("(?=\\s)"));
        }

        /** An answer streamed in exactly these chunks. */
        public static Reply chunks(String... chunks) {
            return new Reply(200, List.of(chunks), null, Duration.ZERO, Duration.ZERO, -1, -1, false, Map.of());
        }

        /** A structured answer: this JSON text as the message content. */
        public static Reply json(String json) {
            return chunks(json);
        }

        /** An HTTP error with an OpenAI-shaped error body. */
        public static Reply status(int status) {
            return new Reply(status, List.of(), null, Duration.ZERO, Duration.ZERO, -1, -1, false, Map.of());
        }

        /** Never answers, not even the status line, until the fake is closed. */
        public static Reply hang() {
            return new Reply(200, List.of(), null, Duration.ZERO, Duration.ZERO, -1, -1, true, Map.of());
        }

        public Reply usage(int promptTokens, int completionTokens) {
            return new Reply(
                    status,
                    chunks,
                    new Usage(promptTokens, completionTokens),
                    delay,
                    chunkDelay,
                    stallAfter,
                    failAfter,
                    hangs,
                    headers);
        }

        /** Waits this long before the status line. */
        public Reply delay(Duration value) {
            return new Reply(status, chunks, usage, value, chunkDelay, stallAfter, failAfter, hangs, headers);
        }

        /** Waits this long before each streamed chunk after the first: a slow answer. */
        public Reply chunkDelay(Duration value) {
            return new Reply(status, chunks, usage, delay, value, stallAfter, failAfter, hangs, headers);
        }

        /** Streams this many content chunks, then goes silent with the connection open. */
        public Reply stallAfter(int contentChunks) {
            return new Reply(status, chunks, usage, delay, chunkDelay, contentChunks, failAfter, hangs, headers);
        }

        /** Streams this many content chunks, then an {@code error} event, and ends. */
        public Reply failAfter(int contentChunks) {
            return new Reply(status, chunks, usage, delay, chunkDelay, stallAfter, contentChunks, hangs, headers);
        }

        public Reply header(String name, String value) {
            var all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Reply(status, chunks, usage, delay, chunkDelay, stallAfter, failAfter, hangs, Map.copyOf(all));
        }

        public String text() {
            return String.join("", chunks);
        }
    }

    public record Usage(int promptTokens, int completionTokens) {}

    /** The default answer: an echo of the last user message, or the smallest JSON of the schema. */
    public static Reply deterministic(Request request) {
        if (request.structured()) {
            return Reply.json(JSON.writeValueAsString(example(request.schema(), request.schema())));
        }
        return Reply.text("You asked: " + request.lastUserMessage());
    }

    private void chat(HttpExchange exchange) throws IOException {
        enter();
        try (exchange) {
            var body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            var request = parse(body, exchange.getRequestHeaders());
            requests.add(request);
            var reply = replies.poll();
            if (reply == null) {
                reply = responder.apply(request);
            }
            if (!prelude(exchange, reply)) {
                return;
            }
            if (request.stream()) {
                stream(exchange, request, reply);
            } else {
                whole(exchange, request, reply);
            }
        } catch (IOException | UncheckedIOException e) {
            // The client went away (it timed out, or cancelled): nothing more to do.
        } finally {
            leave();
        }
    }

    /** Delay, hang or error status; true when an answer is still to be written. */
    private boolean prelude(HttpExchange exchange, Reply reply) throws IOException {
        if (reply.hangs()) {
            awaitClose(Duration.ofDays(1));
            return false;
        }
        if (!reply.delay().isZero() && awaitClose(reply.delay())) {
            return false;
        }
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        if (reply.status() != 200) {
            var type = reply.status() == 429 ? "rate_limit_exceeded" : "server_error";
            var error = NODES.objectNode();
            error.putObject("error")
                    .put("message", "Fake error " + reply.status())
                    .put("type", type)
                    .putNull("param")
                    .put("code", type);
            send(exchange, reply.status(), "application/json", JSON.writeValueAsBytes(error));
            return false;
        }
        return true;
    }

    private void whole(HttpExchange exchange, Request request, Reply reply) throws IOException {
        var text = reply.text();
        var completion = envelope(request, "chat.completion");
        var choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message")
                .put("role", "assistant")
                .put("content", text)
                .putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        completion.set("usage", usage(request, reply));
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(completion));
    }

    private void stream(HttpExchange exchange, Request request, Reply reply) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        var out = exchange.getResponseBody();
        event(out, chunk(request, NODES.objectNode().put("role", "assistant").put("content", ""), null));
        var sent = 0;
        for (var piece : reply.chunks()) {
            if (sent == reply.stallAfter()) {
                awaitClose(Duration.ofDays(1));
                return;
            }
            if (sent == reply.failAfter()) {
                var error = NODES.objectNode();
                error.putObject("error")
                        .put("message", "The server had an error while processing your request.")
                        .put("type", "server_error")
                        .putNull("param")
                        .putNull("code");
                event(out, error);
                return;
            }
            if (sent > 0 && !reply.chunkDelay().isZero() && awaitClose(reply.chunkDelay())) {
                return;
            }
            event(out, chunk(request, NODES.objectNode().put("content", piece), null));
            sent++;
        }
        if (sent == reply.stallAfter()) {
            awaitClose(Duration.ofDays(1));
            return;
        }
        event(out, chunk(request, NODES.objectNode(), "stop"));
        if (request.includeUsage()) {
            var last = envelope(request, "chat.completion.chunk");
            last.putArray("choices");
            last.set("usage", usage(request, reply));
            event(out, last);
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private ObjectNode chunk(Request request, ObjectNode delta, @Nullable String finishReason) {
        var chunk = envelope(request, "chat.completion.chunk");
        var choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (request.includeUsage()) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private ObjectNode envelope(Request request, String object) {
        var node = NODES.objectNode();
        node.put("id", "chatcmpl-fake-" + ids.incrementAndGet());
        node.put("object", object);
        node.put("created", CREATED);
        node.put("model", request.model());
        node.putNull("system_fingerprint");
        return node;
    }

    private static ObjectNode usage(Request request, Reply reply) {
        var usage = reply.usage();
        if (usage == null) {
            var promptChars = request.messages().stream()
                    .mapToInt(m -> m.content().length())
                    .sum();
            usage = new Usage((promptChars + 3) / 4, reply.chunks().size());
        }
        return NODES.objectNode()
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.promptTokens() + usage.completionTokens());
    }

    private static void event(java.io.OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void embeddings(HttpExchange exchange) throws IOException {
        enter();
        try (exchange) {
            var body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            var inputs = new ArrayList<String>();
            var input = body.path("input");
            if (input.isArray()) {
                input.forEach(i -> inputs.add(i.asString()));
            } else {
                inputs.add(input.asString());
            }
            var format = body.path("encoding_format").asString("float");
            var dimensions = body.path("dimensions").asInt(1536);
            var model = body.path("model").asString("");
            embeddingRequests.add(new EmbeddingRequest(model, List.copyOf(inputs), format, dimensions));
            var reply = embeddingReplies.poll();
            if (reply != null && !prelude(exchange, reply)) {
                return;
            }
            var answer = NODES.objectNode().put("object", "list").put("model", model);
            ArrayNode data = answer.putArray("data");
            var tokens = 0;
            for (int i = 0; i < inputs.size(); i++) {
                var vector = vector(inputs.get(i), dimensions);
                tokens += inputs.get(i).split("\\s+").length;
                var item = data.addObject().put("object", "embedding").put("index", i);
                if (format.equals("base64")) {
                    var bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (var value : vector) {
                        bytes.putFloat(value);
                    }
                    item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
                } else {
                    var values = item.putArray("embedding");
                    for (var value : vector) {
                        values.add(value);
                    }
                }
            }
            answer.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
            send(exchange, 200, "application/json", JSON.writeValueAsBytes(answer));
        } catch (IOException | UncheckedIOException e) {
            // The client went away.
        } finally {
            leave();
        }
    }

    /**
     * The unit vector this fake gives a text, deterministic and meaningful: the sum of one dense
     * pseudo-random direction per word (stop words dropped, plurals and -ing/-ed endings stemmed,
     * a few synonyms folded together, so "money back" lands near "refund"). Texts sharing words
     * point the same way; unrelated texts are nearly orthogonal (cosine around 0 +- 0.03), as
     * real embeddings of unrelated texts are far apart.
     */
    public static float[] vector(String text, int dimensions) {
        var vector = new float[dimensions];
        for (var word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.isEmpty() || STOP_WORDS.contains(word)) {
                continue;
            }
            var token = SYNONYMS.getOrDefault(stem(word), stem(word));
            var direction = WORDS.computeIfAbsent(token + "/" + dimensions, key -> direction(token, dimensions));
            for (int i = 0; i < dimensions; i++) {
                vector[i] += direction[i];
            }
        }
        var norm = 0.0;
        for (var value : vector) {
            norm += value * value;
        }
        if (norm == 0) {
            vector[0] = 1f;
            return vector;
        }
        var scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    private static final Map<String, float[]> WORDS = new ConcurrentHashMap<>();
    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "is", "are", "was", "be", "do", "does", "can",
            "i", "you", "we", "my", "your", "our", "it", "its", "this", "that", "with", "at", "by", "how", "what",
            "when", "where", "which", "who", "if", "not", "no", "get", "back", "me", "us", "will", "from", "as", "any",
            "there", "have", "has", "within");
    private static final Map<String, String> SYNONYMS = synonyms(Map.of(
            "refund", List.of("refund", "reimburse", "reimbursement", "money", "repay", "repaid"),
            "price", List.of("price", "pricing", "cost", "fee", "pay", "charge", "expensive", "cheap"),
            "ship", List.of("ship", "shipping", "deliver", "delivery", "dispatch", "arrive", "parcel"),
            "cancel", List.of("cancel", "cancellation", "terminate", "unsubscribe"),
            "contact", List.of("contact", "reach", "email", "phone", "call", "support"),
            "password", List.of("password", "login", "credential", "passphrase")));

    private static float[] direction(String token, int dimensions) {
        var random = new SplittableRandom(mix(token.hashCode()) * 0x9E3779B97F4A7C15L);
        var out = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static String stem(String word) {
        if (word.length() > 5 && word.endsWith("ing")) {
            return word.substring(0, word.length() - 3);
        }
        if (word.length() > 4 && word.endsWith("ed")) {
            return word.substring(0, word.length() - 2);
        }
        if (word.length() > 3 && word.endsWith("s") && !word.endsWith("ss")) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static Map<String, String> synonyms(Map<String, List<String>> groups) {
        var out = new LinkedHashMap<String, String>();
        groups.forEach((canonical, words) -> words.forEach(w -> out.put(stem(w), canonical)));
        return out;
    }

    private static Request parse(JsonNode body, com.sun.net.httpserver.Headers received) {
        var headers = new TreeMap<String, List<String>>();
        received.forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        var messages = new ArrayList<Message>();
        for (var message : body.path("messages")) {
            var content = message.path("content");
            String text;
            if (content.isArray()) {
                var joined = new StringBuilder();
                content.forEach(part -> joined.append(part.path("text").asString("")));
                text = joined.toString();
            } else {
                text = content.asString("");
            }
            messages.add(new Message(message.path("role").asString(""), text));
        }
        var format = body.path("response_format");
        var isSchema = format.path("type").asString("").equals("json_schema");
        return new Request(
                body.path("model").asString(""),
                List.copyOf(messages),
                body.path("stream").asBoolean(false),
                body.path("stream_options").path("include_usage").asBoolean(false),
                isSchema ? format.path("json_schema").path("name").asString(null) : null,
                isSchema ? format.path("json_schema").path("schema") : null,
                body,
                Collections.unmodifiableMap(headers));
    }

    /** The smallest JSON value that satisfies a (strict, OpenAI-style) JSON schema. */
    private static JsonNode example(JsonNode schema, JsonNode root) {
        if (schema.has("$ref")) {
            var ref = schema.get("$ref").asString();
            var target = root;
            for (var part : ref.replaceFirst("^#/?", "").split("/")) {
                if (!part.isEmpty()) {
                    target = target.path(part);
                }
            }
            return example(target, root);
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(0);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        for (var combinator : List.of("anyOf", "oneOf", "allOf")) {
            if (schema.has(combinator)) {
                return example(schema.get(combinator).get(0), root);
            }
        }
        var typeNode = schema.path("type");
        var type = typeNode.isArray() ? firstNonNull(typeNode) : typeNode.asString("object");
        return switch (type) {
            case "string" -> NODES.stringNode("fake");
            case "number" -> NODES.numberNode(0.5);
            case "integer" -> NODES.numberNode(1);
            case "boolean" -> NODES.booleanNode(false);
            case "array" -> NODES.arrayNode();
            case "null" -> NODES.nullNode();
            default -> {
                var object = NODES.objectNode();
                var properties = schema.path("properties");
                for (var name : properties.propertyNames()) {
                    object.set(name, example(properties.get(name), root));
                }
                yield object;
            }
        };
    }

    private static String firstNonNull(JsonNode types) {
        for (var type : types) {
            if (!type.asString().equals("null")) {
                return type.asString();
            }
        }
        return "null";
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /** Waits, and says whether the fake was closed meanwhile. */
    private boolean awaitClose(Duration duration) {
        try {
            return closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void enter() {
        var now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    private void leave() {
        inFlight.decrementAndGet();
    }
}
