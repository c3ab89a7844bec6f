package com.helloyuno.llm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what an OpenAI-compatible server answers: the bodies openai-java hands over as raw
 * responses ({@code withRawResponse()}), after its own error handling has turned every non-2xx
 * status into an {@code OpenAIServiceException}.
 *
 * <p>Why not openai-java's own models: binding every answer, every stream chunk and every
 * embedding to its generated classes goes through Jackson 2 with the Kotlin module, reflection and
 * lazy validation; in the chat benchmark's profile that was about a third of the CPU of a whole
 * answer (50 stream chunks, an embedding, a classification). Reading the few fields we use from a
 * tree costs a fraction of it. Requests are still built, authenticated and sent by openai-java.
 */
final class ProviderWire {

    /**
     * Our own mapper, not the web layer's: provider JSON is not our wire format (names as the
     * provider and the structured-output schema spell them), and unknown members are normal.
     */
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private ProviderWire() {}

    /** The body could not be read as the protocol says. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    /** An {@code error} object in a stream: the provider gave up after the status line went. */
    static final class StreamError extends RuntimeException {
        private final @Nullable String code;

        StreamError(@Nullable String code) {
            super("error event in the stream", null, false, false);
            this.code = code;
        }

        @Nullable
        String code() {
            return code;
        }
    }

    /** Token counts as the provider reported them. */
    record ReportedUsage(long promptTokens, long completionTokens, long totalTokens) {
        Usage toUsage() {
            return new Usage(clamp(promptTokens), clamp(completionTokens), clamp(totalTokens));
        }

        private static int clamp(long tokens) {
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, tokens));
        }
    }

    /** The text of the first choice of a chat completion, and the usage when reported. */
    record Completion(String text, @Nullable ReportedUsage usage) {}

    static Completion completion(InputStream body) {
        var root = tree(body);
        var content = root.path("choices").path(0).path("message").path("content");
        if (!content.isString()) {
            throw new Unreadable("no message content in the first choice");
        }
        return new Completion(content.stringValue(), usage(root.path("usage")));
    }

    /** A structured answer's JSON text as the value of {@code type}. */
    static <T> T value(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JacksonException e) {
            throw new Unreadable("structured answer does not match its schema");
        }
    }

    /**
     * Reads a chat completion stream (server-sent events, as the HTML standard interprets them)
     * to its end: each text delta of each choice to {@code onText}, each reported usage to {@code
     * onUsage}. Stops at {@code [DONE]}; an {@code error} member ends it with {@link StreamError}.
     *
     * <p>Lines and events stay bytes until the JSON parser reads them: decoding every line into a
     * string, copying it into the event and the event into the parser were most of the cost of a
     * stream after the parsing itself.
     */
    static void stream(InputStream body, Consumer<String> onText, Consumer<ReportedUsage> onUsage) throws IOException {
        var lines = new Lines(body);
        var data = new Bytes();
        var hasData = false;
        int length;
        while ((length = lines.next()) >= 0) {
            var line = lines.line();
            if (length == 0) {
                if (hasData) {
                    hasData = false;
                    if (data.startsWith(DONE)) {
                        return;
                    }
                    chunk(data.bytes, data.length, onText, onUsage);
                    data.length = 0;
                }
                continue;
            }
            // A comment (a line starting with a colon) has an empty field name: skipped like event,
            // id and retry, which change nothing for a chat stream.
            var field = fieldEnd(line, length);
            if (!isData(line, field)) {
                continue;
            }
            var from = Math.min(field + 1, length);
            if (from < length && line[from] == ' ') {
                from++;
            }
            if (hasData) {
                data.append((byte) '\n');
            }
            if (data.length + (length - from) > MAX_EVENT_CHARS) {
                throw new Unreadable("a stream event longer than " + MAX_EVENT_CHARS + " bytes");
            }
            data.append(line, from, length - from);
            hasData = true;
        }
        // A last event without its blank line is dropped, as the standard says and openai-java does.
    }

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private static boolean isData(byte[] line, int fieldLength) {
        return fieldLength == 4 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a';
    }

    /** Where a line's field name ends: at its first colon, or the line's end (a field without value). */
    private static int fieldEnd(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            if (line[i] == ':') {
                return i;
            }
        }
        return length;
    }

    /** Bytes that grow as they are appended: the line being read, the data of the event being read. */
    private static final class Bytes {
        byte[] bytes = new byte[256];
        int length;

        void append(byte b) {
            ensure(1);
            bytes[length++] = b;
        }

        void append(byte[] from, int offset, int count) {
            ensure(count);
            System.arraycopy(from, offset, bytes, length, count);
            length += count;
        }

        boolean startsWith(byte[] prefix) {
            return length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
        }

        /**
         * Doubling stops at the limit, so that a line or event refused just past it (the line is
         * checked after its copy, the event's data before, less its joining line feed) holds at
         * most the limit and one read, not twice the limit.
         */
        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(Math.min(bytes.length * 2, MAX_EVENT_CHARS), length + more));
            }
        }
    }

    /** The longest line or event read from a stream, in bytes: a chunk is a few hundred. */
    static final int MAX_EVENT_CHARS = 1 << 20;

    /**
     * A stream's lines, ended by CR, LF or CRLF as server-sent events are. Instead of a {@code
     * BufferedReader} over an {@code InputStreamReader}, which hold 16 kB of chars and 8 kB of bytes
     * for every open stream (most of what an idle stream keeps, with hundreds open), this holds 512
     * bytes and the line being read, as bytes: UTF-8 is decoded by the JSON parser, once.
     */
    static final class Lines {
        private final InputStream in;
        private final byte[] buffer = new byte[512];
        private int position;
        private int limit;
        private final Bytes line = new Bytes();
        private boolean afterCarriageReturn;

        Lines(InputStream in) {
            this.in = in;
        }

        /** The bytes of the line {@link #next()} read, valid up to the length it returned. */
        byte[] line() {
            return line.bytes;
        }

        /** Reads the next line into {@link #line()}: its length, or -1 at the end of the stream. */
        int next() throws IOException {
            line.length = 0;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    position = 0;
                    if (limit <= 0) {
                        // A line cut off by the stream's end belongs to an event without its blank
                        // line, which is dropped anyway.
                        limit = 0;
                        return -1;
                    }
                }
                if (afterCarriageReturn) {
                    afterCarriageReturn = false;
                    if (buffer[position] == '\n') {
                        position++;
                        continue;
                    }
                }
                // The line's bytes in this read are found in one pass over locals and copied at
                // once: a byte at a time through the fields was 3 % of an answer's CPU in the chat
                // benchmark's profile (a chunk is about 240 bytes, an answer 50 of them).
                var bytes = buffer;
                var end = limit;
                var i = position;
                while (i < end && bytes[i] != '\n' && bytes[i] != '\r') {
                    i++;
                }
                // Checked after the copy: the line holds at most one read past the limit.
                line.append(bytes, position, i - position);
                if (line.length > MAX_EVENT_CHARS) {
                    throw new Unreadable("a stream line longer than " + MAX_EVENT_CHARS + " bytes");
                }
                if (i < end) {
                    afterCarriageReturn = bytes[i] == '\r';
                    position = i + 1;
                    return line.length;
                }
                position = end;
            }
        }
    }

    /**
     * One stream event's JSON, read token by token: a tree of every chunk (its id, model, finish
     * reason, log probabilities...) was the largest single cost of reading a stream in the chat
     * benchmark's profile, for the one or two strings we use. The event is read whole before its
     * text is handed on, so that an {@code error} member after {@code choices} still ends the
     * stream without its text; members other than {@code error}, {@code choices} and {@code usage}
     * are skipped unread.
     */
    private static void chunk(byte[] event, int length, Consumer<String> onText, Consumer<ReportedUsage> onUsage) {
        try {
            chunk(JSON.createParser(event, 0, length), onText, onUsage);
        } catch (Unreadable | JacksonException e) {
            // Not UTF-8, as JSON must be: read as decoded text, with U+FFFD for what is malformed
            // (what the line decoding of old did), rather than lose a whole answer to one bad byte.
            // Nothing was handed on yet: an event's text goes out once it is read whole.
            var text = new String(event, 0, length, StandardCharsets.UTF_8);
            var again = text.getBytes(StandardCharsets.UTF_8);
            if (Arrays.equals(again, 0, again.length, event, 0, length)) {
                throw new Unreadable("a stream event is not JSON");
            }
            chunk(JSON.createParser(text), onText, onUsage);
        }
    }

    private static void chunk(JsonParser source, Consumer<String> onText, Consumer<ReportedUsage> onUsage) {
        String text = null;
        List<String> more = null;
        ReportedUsage usage = null;
        try (var parser = source) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                requireEnd(parser);
                return;
            }
            String name;
            while ((name = parser.nextName()) != null) {
                var value = parser.nextToken();
                switch (name) {
                    case "error" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            throw new StreamError(errorCode(parser));
                        }
                    }
                    case "choices" -> {
                        if (value != JsonToken.START_ARRAY) {
                            parser.skipChildren();
                            continue;
                        }
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            var content = deltaContent(parser);
                            if (content == null || content.isEmpty()) {
                                continue;
                            }
                            if (text == null) {
                                text = content;
                            } else {
                                if (more == null) {
                                    more = new ArrayList<>(2);
                                }
                                more.add(content);
                            }
                        }
                    }
                    case "usage" -> usage = usage(parser);
                    default -> parser.skipChildren();
                }
            }
            requireEnd(parser);
        } catch (JacksonException e) {
            throw new Unreadable("a stream event is not JSON");
        }
        if (text != null) {
            onText.accept(text);
        }
        if (more != null) {
            more.forEach(onText);
        }
        if (usage != null) {
            onUsage.accept(usage);
        }
    }

    /** Nothing but white space may follow an event's JSON value. */
    private static void requireEnd(JsonParser parser) {
        if (parser.nextToken() != null) {
            throw new Unreadable("a stream event is not JSON");
        }
    }

    /** The code of an {@code error} member at its value: any scalar as text, else none. */
    private static @Nullable String errorCode(JsonParser parser) {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String code = null;
        String name;
        while ((name = parser.nextName()) != null) {
            var value = parser.nextToken();
            if (name.equals("code")) {
                code = value.isScalarValue() && value != JsonToken.VALUE_NULL ? parser.getString() : null;
            }
            parser.skipChildren();
        }
        return code;
    }

    /** The {@code delta.content} string of the choice at the parser, read to its end. */
    private static @Nullable String deltaContent(JsonParser parser) {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return null;
        }
        String content = null;
        String name;
        while ((name = parser.nextName()) != null) {
            var value = parser.nextToken();
            if (name.equals("delta") && value == JsonToken.START_OBJECT) {
                String member;
                while ((member = parser.nextName()) != null) {
                    var memberValue = parser.nextToken();
                    if (member.equals("content")) {
                        content = memberValue == JsonToken.VALUE_STRING ? parser.getString() : null;
                    }
                    parser.skipChildren();
                }
            } else {
                parser.skipChildren();
            }
        }
        return content;
    }

    /**
     * The {@code usage} member at its value, read to its end: none unless an object, as a tree
     * would read it; counts missing or not numbers are 0.
     */
    private static @Nullable ReportedUsage usage(JsonParser parser) {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return null;
        }
        long prompt = 0;
        long completion = 0;
        long total = 0;
        String name;
        while ((name = parser.nextName()) != null) {
            var value = parser.nextToken();
            if (value.isScalarValue()) {
                switch (name) {
                    case "prompt_tokens" -> prompt = parser.getValueAsLong(0);
                    case "completion_tokens" -> completion = parser.getValueAsLong(0);
                    case "total_tokens" -> total = parser.getValueAsLong(0);
                    default -> {}
                }
            } else {
                parser.skipChildren();
            }
        }
        return new ReportedUsage(prompt, completion, total);
    }

    /**
     * The vectors of an embeddings answer, by their {@code index}: base64 of little-endian floats
     * (what we ask for) or a JSON array of numbers (servers that ignore {@code encoding_format}).
     */
    static List<float[]> embeddings(InputStream body, int expected, int dimensions) {
        var data = tree(body).path("data");
        if (!data.isArray() || data.size() != expected) {
            throw new Unreadable("expected " + expected + " embeddings");
        }
        var vectors = new float[expected][];
        for (var item : data) {
            var index = item.path("index");
            if (!index.canConvertToInt() || index.intValue() < 0 || index.intValue() >= expected) {
                throw new Unreadable("an embedding index out of range");
            }
            vectors[index.intValue()] = vector(item.path("embedding"), dimensions);
        }
        var out = new ArrayList<float[]>(expected);
        for (var vector : vectors) {
            if (vector == null) {
                throw new Unreadable("an embedding index given twice");
            }
            out.add(vector);
        }
        return out;
    }

    private static float[] vector(JsonNode embedding, int dimensions) {
        var vector = new float[dimensions];
        if (embedding.isString()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(embedding.stringValue());
            } catch (IllegalArgumentException e) {
                throw new Unreadable("an embedding is not base64");
            }
            if (bytes.length != dimensions * Float.BYTES) {
                throw new Unreadable("an embedding of the wrong size");
            }
            ByteBuffer.wrap(bytes)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(vector);
            return vector;
        }
        if (!embedding.isArray() || embedding.size() != dimensions) {
            throw new Unreadable("an embedding of the wrong size");
        }
        for (int i = 0; i < dimensions; i++) {
            var value = embedding.get(i);
            if (!value.isNumber()) {
                throw new Unreadable("an embedding value is not a number");
            }
            vector[i] = value.floatValue();
        }
        return vector;
    }

    private static @Nullable ReportedUsage usage(JsonNode usage) {
        if (!usage.isObject()) {
            return null;
        }
        return new ReportedUsage(
                usage.path("prompt_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0),
                usage.path("total_tokens").asLong(0));
    }

    private static JsonNode tree(InputStream body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonIOException e) {
            // The connection failed while the body came: a transport failure, not a bad answer.
            throw new UncheckedIOException(e.getCause() instanceof IOException io ? io : new IOException(e));
        } catch (JacksonException e) {
            throw new Unreadable("the answer is not JSON");
        }
    }
}
