package com.helloyuno.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * A loopback stand-in for OpenAI's {@code POST /v1/embeddings}, speaking its JSON (float or base64
 * vectors, {@code index}, {@code usage}). Its vectors are deterministic and mean something: a
 * sum of one pseudo-random dense vector per stemmed word, with a few synonyms folded together, so that texts sharing words,
 * or saying the same thing in the listed synonyms ("money back" and "refund"), land near each
 * other. It can be told to fail the next requests, to exercise retries.
 */
public final class FakeOpenAiEmbeddings implements AutoCloseable {

    public static final int DIMENSIONS = 1536;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static FakeOpenAiEmbeddings shared;
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

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inputs = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile int failureStatus = 500;

    public FakeOpenAiEmbeddings() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/embeddings", this::embeddings);
        server.start();
    }

    /** One server for the whole test JVM, for Spring contexts that are cached and shared. */
    public static synchronized FakeOpenAiEmbeddings shared() {
        if (shared == null) {
            shared = new FakeOpenAiEmbeddings();
        }
        return shared;
    }

    /** The {@code OPENAI_BASE_URL} that points a client here. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public int requests() {
        return requests.get();
    }

    public int inputs() {
        return inputs.get();
    }

    /** The next {@code count} requests answer {@code status} with OpenAI's error body. */
    public void failNext(int count, int status) {
        failureStatus = status;
        failures.set(count);
    }

    public void reset() {
        failures.set(0);
        requests.set(0);
        inputs.set(0);
    }

    private void embeddings(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            var request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(
                        exchange,
                        failureStatus,
                        Map.of("error", Map.of("message", "injected failure", "type", "server_error")));
                return;
            }
            var texts = new ArrayList<String>();
            var input = request.path("input");
            if (input.isArray()) {
                input.forEach(node -> texts.add(node.asString()));
            } else {
                texts.add(input.asString());
            }
            inputs.addAndGet(texts.size());
            var dimensions = request.path("dimensions").asInt(DIMENSIONS);
            var base64 = "base64".equals(request.path("encoding_format").asString("float"));
            var data = new ArrayList<Map<String, Object>>();
            var tokens = 0;
            for (int i = 0; i < texts.size(); i++) {
                var vector = vector(texts.get(i), dimensions);
                tokens += texts.get(i).length() / 4 + 1;
                var item = new LinkedHashMap<String, Object>();
                item.put("object", "embedding");
                item.put("index", i);
                item.put("embedding", base64 ? encode(vector) : boxed(vector));
                data.add(item);
            }
            var body = new LinkedHashMap<String, Object>();
            body.put("object", "list");
            body.put("data", data);
            body.put("model", request.path("model").asString());
            body.put("usage", Map.of("prompt_tokens", tokens, "total_tokens", tokens));
            send(exchange, 200, body);
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        var bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The vector this server gives a text, for tests that store chunks without calling it. */
    public static float[] vector(String text) {
        return vector(text, DIMENSIONS);
    }

    public static float[] vector(String text, int dimensions) {
        var vector = new float[dimensions];
        for (var word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.isEmpty() || STOP_WORDS.contains(word)) {
                continue;
            }
            var token = SYNONYMS.getOrDefault(stem(word), stem(word));
            // Each word is a dense pseudo-random direction (as real embeddings are dense); a text is
            // the sum of its words, so texts sharing words point the same way and others are
            // nearly orthogonal (cosine around 0 +- 0.03).
            var direction = WORDS.computeIfAbsent(token + "/" + dimensions, key -> direction(token, dimensions));
            for (int i = 0; i < dimensions; i++) {
                vector[i] += direction[i];
            }
        }
        var norm = 0.0;
        for (var v : vector) {
            norm += v * v;
        }
        if (norm == 0) {
            vector[0] = 1;
            return vector;
        }
        var scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

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

    private static String encode(float[] vector) {
        var buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (var v : vector) {
            buffer.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    private static List<Float> boxed(float[] vector) {
        var out = new ArrayList<Float>(vector.length);
        for (var v : vector) {
            out.add(v);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
