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
                "{\"data\":{}}")) {
            assertThatThrownBy(() -> ProviderWire.embeddings(body(bad), 2, 2))
                    .as(bad)
                    .isInstanceOf(ProviderWire.Unreadable.class);
        }
    }
}
