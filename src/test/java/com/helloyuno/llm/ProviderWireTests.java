package com.helloyuno.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What Yuno reads from a provider's bodies, as the OpenAI protocol and the SSE standard have them. */
class ProviderWireTests {

    private static InputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private record Streamed(List<String> texts, List<ProviderWire.ReportedUsage> usages) {}

    private static Streamed stream(String sse) throws IOException {
        var texts = new ArrayList<String>();
        var usages = new ArrayList<ProviderWire.ReportedUsage>();
        ProviderWire.stream(body(sse), texts::add, usages::add);
        return new Streamed(texts, usages);
    }

    @Test
    void aStreamGivesEveryDeltaOfEveryChoiceInOrderAndTheUsage() throws IOException {
        var streamed = stream("""
                : a comment line is ignored
                event: message
                id: 1
                data: {"choices":[{"delta":{"role":"assistant","content":""}}]}

                data: {"choices":[{"delta":{"content":"Héllo"}},{"delta":{"content":" there"}}]}

                data:{"choices":[{"delta":{"content":"!"},"finish_reason":"stop"}]}

                data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}

                data: [DONE]

                data: {"choices":[{"delta":{"content":"after done"}}]}

                """);

        assertThat(streamed.texts()).containsExactly("Héllo", " there", "!");
        assertThat(streamed.usages()).containsExactly(new ProviderWire.ReportedUsage(12, 3, 15));
    }

    @Test
    void linesEndInCrLfCrOrLfAndCharactersSplitAcrossReadsStayWhole() throws IOException {
        // 600 bytes of text before a two-byte character: it straddles the reader's 512-byte reads.
        var padding = "x".repeat(600);
        var streamed = stream("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\r\n\r\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\r\r"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"" + padding + "é€😀\"}}]}\n\n"
                + "data: [DONE]\r\n\r\n");

        assertThat(streamed.texts()).containsExactly("a", "b", padding + "é€😀");
    }

    @Test
    void aByteThatIsNotUtf8CostsOneCharacterNotTheAnswer() throws IOException {
        var event = new java.io.ByteArrayOutputStream();
        event.writeBytes("data: {\"choices\":[{\"delta\":{\"content\":\"caf".getBytes(StandardCharsets.UTF_8));
        event.write(0xE9); // Latin-1 é: not UTF-8
        event.writeBytes("\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\" ok\"}}]}\n\n"
                .getBytes(StandardCharsets.UTF_8));
        var texts = new ArrayList<String>();

        ProviderWire.stream(new ByteArrayInputStream(event.toByteArray()), texts::add, usage -> {});

        assertThat(texts).containsExactly("caf\uFFFD", " ok");
    }

    @Test
    void aProviderLineWithoutEndIsRefusedAtTheLimitNotBuffered() {
        var endless = new InputStream() {
            long served;

            @Override
            public int read() {
                served++;
                return 'a';
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                java.util.Arrays.fill(into, offset, offset + length, (byte) 'a');
                served += length;
                return length;
            }
        };

        assertThatThrownBy(() -> ProviderWire.stream(endless, text -> {}, usage -> {}))
                .isInstanceOf(ProviderWire.Unreadable.class)
                .hasMessageContaining("longer than");
        assertThat(endless.served).isLessThan(ProviderWire.MAX_EVENT_CHARS + 1024L);
    }

    @Test
    void dataOverSeveralLinesIsOneEventAndAnEventWithoutItsBlankLineIsDropped() throws IOException {
        var streamed = stream("data: {\"choices\":\ndata: [{\"delta\":{\"content\":\"joined\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"cut off\"}}]}\n");

        assertThat(streamed.texts()).containsExactly("joined");
    }

    @Test
    void anErrorInTheStreamEndsItWithItsCode() {
        assertThatThrownBy(() -> stream("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                        + "data: {\"error\":{\"message\":\"overloaded\",\"code\":\"server_error\"}}\n\n"))
                .isInstanceOfSatisfying(
                        ProviderWire.StreamError.class,
                        e -> assertThat(e.code()).isEqualTo("server_error"));
        assertThatThrownBy(() -> stream("data: {\"error\":{\"message\":\"no code\"}}\n\n"))
                .isInstanceOfSatisfying(
                        ProviderWire.StreamError.class,
                        e -> assertThat(e.code()).isNull());
    }

    @Test
    void anErrorAfterTheChoicesInOneEventEndsTheStreamWithoutTheirText() {
        var texts = new ArrayList<String>();

        assertThatThrownBy(() -> ProviderWire.stream(
                        body("data: {\"choices\":[{\"delta\":{\"content\":\"half\"}}],"
                                + "\"error\":{\"code\":\"server_error\"}}\n\n"),
                        texts::add,
                        usage -> {}))
                .isInstanceOf(ProviderWire.StreamError.class);
        assertThat(texts).isEmpty();
    }

    @Test
    void membersNotReadAreSkippedWhateverTheirShape() throws IOException {
        // A real chunk's other members: ids, nested log probabilities, tool calls, nulls.
        var streamed = stream("""
                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":null,                "choices":[{"index":0,"logprobs":{"content":[{"token":"x","bytes":[120],"top_logprobs":[]}]},                "delta":{"role":"assistant","tool_calls":[{"function":{"content":"not this"}}],"content":"yes"},                "finish_reason":null,"content":"nor this"}],"usage":null,"content":"nor this"}

                data: {"choices":{"delta":{"content":"not an array"}},"usage":{"prompt_tokens":"4","total_tokens":[1]}}

                """);

        assertThat(streamed.texts()).containsExactly("yes");
        assertThat(streamed.usages()).containsExactly(new ProviderWire.ReportedUsage(4, 0, 0));
    }

    @Test
    void anEventWithMoreAfterItsJsonIsUnreadable() {
        assertThatThrownBy(() -> stream("data: {\"choices\":[]} {}\n\n")).isInstanceOf(ProviderWire.Unreadable.class);
        assertThatThrownBy(() -> stream("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]\n\n"))
                .isInstanceOf(ProviderWire.Unreadable.class);
    }

    @Test
    void anEventThatIsNotJsonIsUnreadable() {
        assertThatThrownBy(() -> stream("data: {not json\n\n")).isInstanceOf(ProviderWire.Unreadable.class);
    }

    @Test
    void aCompletionGivesTheFirstChoicesTextAndTheUsageWhenReported() {
        var completion = ProviderWire.completion(body("""
                {"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"first"}},
                 {"index":1,"message":{"role":"assistant","content":"second"}}],
                 "usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}
                """));

        assertThat(completion.text()).isEqualTo("first");
        assertThat(completion.usage()).isEqualTo(new ProviderWire.ReportedUsage(7, 2, 9));
        assertThat(ProviderWire.completion(body("{\"choices\":[{\"message\":{\"content\":\"\"}}]}"))
                        .usage())
                .isNull();
    }

    @Test
    void aCompletionWithoutContentOrNotJsonIsUnreadable() {
        for (var bad : List.of(
                "{\"choices\":[]}",
                "{\"choices\":[{\"message\":{\"content\":null,\"refusal\":\"no\"}}]}",
                "{\"choices\":[{\"message\":{\"content\":42}}]}",
                "<html>",
                "")) {
            assertThatThrownBy(() -> ProviderWire.completion(body(bad)))
                    .as(bad)
                    .isInstanceOf(ProviderWire.Unreadable.class);
        }
    }

    @Test
    void aStructuredAnswerBindsByTheSchemasNamesAndIgnoresExtraMembers() {
        record Reading(String lang, double answerConfidence, boolean complianceRedFlag) {}

        var value = ProviderWire.value(
                "{\"lang\":\"de\",\"answerConfidence\":0.5,\"complianceRedFlag\":true,\"extra\":1}", Reading.class);

        assertThat(value).isEqualTo(new Reading("de", 0.5, true));
        assertThatThrownBy(() -> ProviderWire.value("{\"lang\":", Reading.class))
                .isInstanceOf(ProviderWire.Unreadable.class);
    }

    private static String base64(float... values) {
        var buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (var v : values) {
            buffer.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    @Test
    void embeddingsAreReadByTheirIndexFromBase64OrFromNumbers() {
        var vectors = ProviderWire.embeddings(
                body("{\"data\":[{\"index\":1,\"embedding\":\"" + base64(0.25f, -1.5f, 3f) + "\"},"
                        + "{\"index\":0,\"embedding\":[1,0.5,-2]}]}"),
                2,
                3);

        assertThat(vectors.get(0)).containsExactly(1f, 0.5f, -2f);
        assertThat(vectors.get(1)).containsExactly(0.25f, -1.5f, 3f);
    }

    @Test
    void embeddingsOfTheWrongCountSizeOrIndexAreUnreadable() {
        var good = base64(1f, 2f);
        for (var bad : List.of(
                "{\"data\":[{\"index\":0,\"embedding\":\"" + good + "\"}]}",
                "{\"data\":[{\"index\":0,\"embedding\":\"" + base64(1f) + "\"},{\"index\":1,\"embedding\":\"" + good
                        + "\"}]}",
                "{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":1,\"embedding\":[1,2]}]}",
                "{\"data\":[{\"index\":0,\"embedding\":[1,\"x\"]},{\"index\":1,\"embedding\":[1,2]}]}",
                "{\"data\":[{\"index\":0,\"embedding\":\"" + good + "\"},{\"index\":0,\"embedding\":\"" + good
                        + "\"}]}",
                "{\"data\":[{\"index\":0,\"embedding\":\"" + good + "\"},{\"index\":2,\"embedding\":\"" + good
                        + "\"}]}",
                "{\"data\":[{\"index\":0,\"embedding\":\"" + good + "\"},{\"index\":-1,\"embedding\":\"" + good
                        + "\"}]}",
                "{\"data\":[{\"index\":0,\"embedding\":\"not base64!\"},{\"index\":1,\"embedding\":\"" + good + "\"}]}",
                "{\"data\":{}}",
                "{\"data\":[{\"index\":0,\"embedding\":\"" + good + "\"},{\"index\":1,\"embedding\":\"" + good
                        + "\"},{\"index\":0,\"embedding\":\"" + good + "\"}]}",
                "{\"data\":{\"a\":{\"index\":0,\"embedding\":\"" + good + "\"},\"b\":{\"index\":1,\"embedding\":\""
                        + good + "\"}}}")) {
            assertThatThrownBy(() -> ProviderWire.embeddings(body(bad), 2, 2))
                    .as(bad)
                    .isInstanceOf(ProviderWire.Unreadable.class);
        }
    }

    @Test
    void eventsWithoutDataAndBlankLinesBetweenEventsGiveNothing() throws IOException {
        var streamed = stream("""


                event: ping

                id: 7
                retry: 1000

                data: {"choices":[{"delta":{"content":"one"}}]}



                data: {"choices":[{"delta":{"content":"two"}}]}

                """);

        assertThat(streamed.texts()).containsExactly("one", "two");
        assertThat(streamed.usages()).isEmpty();
    }

    @Test
    void aDataLineWithoutAColonAddsAnEmptyLineToTheEventsData() throws IOException {
        // "data" alone adds an empty line: the two halves of the JSON are joined by a line break.
        var streamed = stream("data: {\"choices\":[{\"delta\":\ndata\ndata: {\"content\":\"x\"}}]}\n\n");

        assertThat(streamed.texts()).containsExactly("x");
        // The lines are joined by a line break, not run together: "1" and "2" are not 12.
        assertThatThrownBy(() -> stream("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1\ndata: 2}}\n\n"))
                .isInstanceOf(ProviderWire.Unreadable.class);
        assertThat(stream("data\n\n").texts())
                .as("an event of one empty line is no chunk: nothing")
                .isEmpty();
    }

    @Test
    void onlyOneSpaceAfterTheColonIsDropped() throws IOException {
        var streamed = stream("data:  {\"choices\":[{\"delta\":{\"content\":\" spaced\"}}]}\n\n");

        assertThat(streamed.texts()).containsExactly(" spaced");
    }

    @Test
    void doneEndsTheStreamEvenWhenMoreFollowsOnItsLine() throws IOException {
        var streamed = stream("data: [DONE] \n\ndata: {\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\n\n");

        assertThat(streamed.texts()).isEmpty();
    }

    private static String chunkOf(String content) {
        return "{\"choices\":[{\"delta\":{\"content\":\"" + content + "\"}}]}";
    }

    @Test
    void anEventUpToTheLimitIsReadAndOneByteMoreIsRefusedWhateverItsLines() throws IOException {
        // The limit counts the data of all of an event's lines; no single line may carry it all, so
        // the event is two lines, joined between two JSON members.
        var first = "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],";
        var filler = "\"pad\":\"";
        // The event's data: first, a line feed, then the second line's value.
        var rest = ProviderWire.MAX_EVENT_CHARS - first.length() - 1 - filler.length() - 2;
        var atLimit = "data: " + first + "\ndata: " + filler + "x".repeat(rest) + "\"}\n\n";
        assertThat(stream(atLimit).texts()).containsExactly("a");

        var overLimit = "data: " + first + "\ndata: " + filler + "x".repeat(rest + 1) + "\"}\n\n";
        assertThatThrownBy(() -> stream(overLimit))
                .isInstanceOf(ProviderWire.Unreadable.class)
                .hasMessageContaining("event longer than");

        // Two lines of 600 kB each: each under the line limit, together over the event's.
        var half = "x".repeat(600_000);
        assertThatThrownBy(() -> stream("data: {\"a\":\"" + half + "\",\ndata: \"b\":\"" + half + "\"}\n\n"))
                .isInstanceOf(ProviderWire.Unreadable.class)
                .hasMessageContaining("event longer than");
    }

    @Test
    void anEventsDataGrowsPastItsFirstBufferAtALineBreak() throws IOException {
        // The first line's value fills the event's 256-byte start exactly; the line break joining the
        // next line must make room first.
        var head = "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"pad\":\"";
        var line = head + "x".repeat(256 - head.length() - 2) + "\",";
        assertThat(line).hasSize(256);

        var streamed = stream("data: " + line + "\ndata: \"more\":1}\n\n");

        assertThat(streamed.texts()).containsExactly("a");
    }

    @Test
    void anEmptyDataLineAfterALongerOneAddsAnEmptyLine() throws IOException {
        // "data:" has nothing after its colon: what the previous, longer line left in the line
        // buffer there (a space) is not part of it.
        var streamed = stream("data: " + chunkOf("a") + "\ndata:\n\n");

        assertThat(streamed.texts()).containsExactly("a");
    }

    @Test
    void crLfEndsOneLineNotTwoInsideAnEvent() throws IOException {
        var streamed = stream("data: {\"choices\":\r\ndata: [{\"delta\":{\"content\":\"crlf\"}}]}\r\n\r\n"
                + "data: {\"choices\":\rdata: [{\"delta\":{\"content\":\"cr\"}}]}\r\r");

        assertThat(streamed.texts()).containsExactly("crlf", "cr");
    }

    /** A body that gives at most {@code perRead} bytes a read, then {@code atEnd} (-1, or a misbehaving 0). */
    private static InputStream served(byte[] bytes, int perRead, int atEnd) {
        return new InputStream() {
            int position;

            @Override
            public int read() {
                return position < bytes.length ? bytes[position++] & 0xFF : atEnd;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                if (position == bytes.length) {
                    return atEnd;
                }
                var n = Math.min(Math.min(length, perRead), bytes.length - position);
                System.arraycopy(bytes, position, into, offset, n);
                position += n;
                return n;
            }
        };
    }

    @Test
    void aBodyArrivingOneByteAtATimeReadsTheSame() throws IOException {
        // Every line end, CR LF pair and character then straddles two reads.
        var sse = "data: " + chunkOf("a") + "\r\n\r\n: comment\r\rdata: {\"choices\":\r\ndata: "
                + "[{\"delta\":{\"content\":\"é€😀\"}}]}\n\ndata: " + chunkOf("c") + "\r\n\r\ndata: [DONE]\n\n";
        var bytes = sse.getBytes(StandardCharsets.UTF_8);
        var trickle = served(bytes, 1, -1);
        var texts = new ArrayList<String>();

        ProviderWire.stream(trickle, texts::add, usage -> {});

        assertThat(texts).containsExactly("a", "é€😀", "c");
        assertThat(stream(sse).texts()).containsExactly("a", "é€😀", "c");
    }

    @Test
    void aLineOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() throws IOException {
        var comment = ":" + "x".repeat(ProviderWire.MAX_EVENT_CHARS - 1);
        assertThat(stream(comment + "\ndata: " + chunkOf("a") + "\n\n").texts()).containsExactly("a");

        assertThatThrownBy(() -> stream(comment + "x\ndata: " + chunkOf("a") + "\n\n"))
                .isInstanceOf(ProviderWire.Unreadable.class)
                .hasMessageContaining("line longer than");
    }

    @Test
    void aLineWithoutColonThatFillsTheLineBufferIsAFieldWithoutValue() throws IOException {
        // 256 bytes is the line buffer's first size: nothing past the line may be looked at.
        var streamed = stream("x".repeat(256) + "\ndata: " + chunkOf("a") + "\n\n");

        assertThat(streamed.texts()).containsExactly("a");
    }

    @Test
    void aDataFieldWithoutValueIsAnEmptyLineSoDoneAfterItIsNoEndMarker() {
        // The data is a line break then [DONE]: not the end marker, and no JSON either.
        assertThatThrownBy(() -> stream("data\ndata: [DONE]\n\ndata: " + chunkOf("late") + "\n\n"))
                .isInstanceOf(ProviderWire.Unreadable.class);
    }

    @Test
    void eventsThatAreJsonButNoObjectGiveNothingAndTheStreamGoesOn() throws IOException {
        var streamed = stream("data: [1, {\"choices\":[]}, 2]\n\ndata: \"text\"\n\ndata: 42\n\ndata: null\n\n"
                + "data: " + chunkOf("after") + "\n\n");

        assertThat(streamed.texts()).containsExactly("after");
        assertThatThrownBy(() -> stream("data: [1] [2]\n\n")).isInstanceOf(ProviderWire.Unreadable.class);
        assertThatThrownBy(() -> stream("data: \"a\" {}\n\n")).isInstanceOf(ProviderWire.Unreadable.class);
    }

    @Test
    void choicesThatAreNoObjectAreSkippedAndTheOthersRead() throws IOException {
        var streamed = stream("data: {\"choices\":[1,\"x\",[{\"delta\":{\"content\":\"nested\"}}],null,"
                + "{\"delta\":{\"content\":\"real\"}}]}\n\n");

        assertThat(streamed.texts()).containsExactly("real");
    }

    @Test
    void anErrorThatIsNoObjectHasNoCodeEvenWhenTheEventHasOne() {
        assertThat(catchStreamError("{\"error\":\"overloaded\",\"code\":\"outer\"}")
                        .code())
                .isNull();
        assertThat(catchStreamError("{\"error\":[\"code\"],\"code\":\"outer\"}").code())
                .isNull();
    }

    @Test
    @Timeout(10)
    void aBodyThatReadsNothingIsAtItsEndNotReadAgainForever() throws IOException {
        // An InputStream should block or say -1; one that answers 0 is taken as ended.
        var bytes = ("data: " + chunkOf("a") + "\n\n").getBytes(StandardCharsets.UTF_8);
        var zeroAtEnd = served(bytes, Integer.MAX_VALUE, 0);
        var texts = new ArrayList<String>();

        ProviderWire.stream(zeroAtEnd, texts::add, usage -> {});

        assertThat(texts).containsExactly("a");
    }

    @Test
    void aNullErrorIsNoErrorAndACodeIsReadWhateverItsType() {
        assertThat(catchStreamError("{\"error\":{\"code\":429}}").code()).isEqualTo("429");
        assertThat(catchStreamError("{\"error\":{\"code\":null}}").code()).isNull();
        assertThat(catchStreamError("{\"error\":{\"code\":{\"nested\":1}}}").code())
                .isNull();
        assertThat(catchStreamError("{\"error\":\"overloaded\"}").code()).isNull();
    }

    @Test
    void aNullErrorMemberIsNoError() throws IOException {
        var streamed = stream("data: {\"error\":null,\"choices\":[{\"delta\":{\"content\":\"fine\"}}]}\n\n");

        assertThat(streamed.texts()).containsExactly("fine");
    }

    private static ProviderWire.StreamError catchStreamError(String event) {
        try {
            stream("data: " + event + "\n\n");
        } catch (ProviderWire.StreamError e) {
            return e;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no StreamError for " + event);
    }

    @Test
    void usageIsReadOnlyFromAnObjectAndMissingCountsAreZero() throws IOException {
        var streamed = stream("""
                data: {"choices":[],"usage":null}

                data: {"choices":[],"usage":7}

                data: {"choices":[],"usage":{"completion_tokens":3}}

                """);

        assertThat(streamed.usages()).containsExactly(new ProviderWire.ReportedUsage(0, 3, 0));
        assertThat(ProviderWire.completion(body("{\"choices\":[{\"message\":{\"content\":\"a\"}}],\"usage\":\"x\"}"))
                        .usage())
                .isNull();
    }

    @Test
    void reportedCountsBecomeUsageWithinWhatAnIntHolds() {
        assertThat(new ProviderWire.ReportedUsage(-5, 5_000_000_000L, 12).toUsage())
                .isEqualTo(new Usage(0, Integer.MAX_VALUE, 12));
    }

    @Test
    void aConnectionLostWhileTheBodyComesIsATransportFailureNotABadAnswer() {
        var lost = new IOException("connection reset");
        var body = new java.io.SequenceInputStream(body("{\"choices\":[{\"message\":"), new InputStream() {
            @Override
            public int read() throws IOException {
                throw lost;
            }
        });

        assertThatThrownBy(() -> ProviderWire.completion(body))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasCauseReference(lost);
    }

    @Test
    void anEmbeddingIndexThatIsNoNumberOrMissingIsUnreadable() {
        var good = base64(1f, 2f);
        for (var bad : List.of(
                "{\"data\":[{\"index\":\"1\",\"embedding\":\"" + good + "\"},{\"index\":0,\"embedding\":\"" + good
                        + "\"}]}",
                "{\"data\":[{\"embedding\":\"" + good + "\"},{\"index\":1,\"embedding\":\"" + good + "\"}]}")) {
            assertThatThrownBy(() -> ProviderWire.embeddings(body(bad), 2, 2))
                    .as(bad)
                    .isInstanceOf(ProviderWire.Unreadable.class);
        }
    }
}
