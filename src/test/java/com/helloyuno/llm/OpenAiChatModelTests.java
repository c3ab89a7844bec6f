package com.helloyuno.llm;

import static com.helloyuno.testsupport.Sleep.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.helloyuno.testsupport.FakeOpenAi;
import com.helloyuno.testsupport.FakeOpenAi.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The openai-java adapter against a fake OpenAI-compatible server on loopback. */
class OpenAiChatModelTests implements AutoCloseable {

    private static final ChatRequest CONVERSATION = ChatRequest.of(
            ChatMessage.system("You are Yuno."),
            ChatMessage.user("Hi"),
            ChatMessage.assistant("Hello! How can I help?"),
            ChatMessage.user("What are your prices?"));

    private final FakeOpenAi fake = new FakeOpenAi();
    private final List<OpenAiClients> clients = new ArrayList<>();

    /** Loads openai-java once, so that the tests with short deadlines time the fake, not class loading. */
    @BeforeAll
    static void warmUp() {
        try (var warm = new OpenAiChatModelTests()) {
            var model = warm.model(warm.settings());
            model.complete(CONVERSATION);
            model.stream(CONVERSATION, token -> {});
            model.structured(CONVERSATION, Classification.class);
        }
    }

    @AfterEach
    @Override
    public void close() {
        clients.forEach(OpenAiClients::destroy);
        fake.close();
    }

    @Test
    void streamsTokensInOrderWithTheReportedUsage() {
        fake.enqueue(Reply.chunks("Our", " plans", " start", " at $9.").usage(42, 4));
        var tokens = new ArrayList<String>();

        var result = model(settings()).stream(CONVERSATION, tokens::add);

        // The first token alone, the rest in order (several may come as one piece: see below).
        assertThat(tokens.getFirst()).isEqualTo("Our");
        assertThat(String.join("", tokens)).isEqualTo("Our plans start at $9.");
        assertThat(result.text()).isEqualTo("Our plans start at $9.");
        assertThat(result.usage()).isEqualTo(new Usage(42, 4, 46));
        var request = fake.lastRequest();
        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isTrue();
        assertThat(request.model()).isEqualTo("gpt-test");
        assertThat(request.authorization()).isEqualTo("Bearer test-key");
        assertThat(request.roles()).containsExactly("system", "user", "assistant", "user");
        assertThat(request.messages().getLast().content()).isEqualTo("What are your prices?");
    }

    @Test
    void aStreamSendsTheBodyOpenAiJavasCreateStreamingSends() {
        var settings = settings();
        fake.enqueue(Reply.text("Hello"), Reply.text("Hello"));
        model(settings).stream(CONVERSATION.withTemperature(0.2), token -> {});
        var ours = fake.lastRequest().body();

        var params = com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                .model("gpt-test")
                .maxCompletionTokens(settings.maxOutputTokens())
                .temperature(0.2)
                .addSystemMessage("You are Yuno.")
                .addUserMessage("Hi")
                .addAssistantMessage("Hello! How can I help?")
                .addUserMessage("What are your prices?")
                .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder()
                        .includeUsage(true)
                        .build())
                .build();
        try (var stream = client(settings).chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {});
        }
        var sdks = fake.lastRequest().body();

        // Same fields, same values, same order.
        assertThat(ours.toString()).isEqualTo(sdks.toString());
        assertThat(ours.path("stream").asBoolean()).isTrue();
    }

    @Test
    void requestsCarryTheKeyAndOurUserAgentButNothingAboutThisHost() {
        fake.enqueue(Reply.text("Hello"), Reply.text("Hi"));
        var model = model(settings());
        model.stream(CONVERSATION, token -> {});
        model.complete(CONVERSATION);

        assertThat(fake.requests()).hasSize(2).allSatisfy(request -> {
            assertThat(request.header("Authorization")).containsExactly("Bearer test-key");
            assertThat(request.header("User-Agent")).containsExactly("Yuno");
            assertThat(request.headers().keySet())
                    .noneMatch(name -> name.startsWith("x-stainless"))
                    .doesNotContain("openai-organization", "openai-project");
        });
    }

    @Test
    void completesAWholeAnswer() {
        fake.enqueue(Reply.text("Standalone question").usage(20, 2));

        var result = model(settings()).complete(CONVERSATION.withMaxOutputTokens(64));

        assertThat(result).isEqualTo(new ChatResult("Standalone question", new Usage(20, 2, 22)));
        assertThat(fake.lastRequest().stream()).isFalse();
        assertThat(fake.lastRequest().body().path("max_completion_tokens").asInt())
                .isEqualTo(64);
    }

    @Test
    void retriesAServerErrorBeforeTheFirstToken() {
        fake.enqueue(Reply.status(500), Reply.text("Recovered answer"));
        var tokens = new ArrayList<String>();

        var result = model(settings()).stream(CONVERSATION, tokens::add);

        assertThat(result.text()).isEqualTo("Recovered answer");
        assertThat(String.join("", tokens)).isEqualTo("Recovered answer");
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void doesNotRetryAFailureAfterTheFirstTokenAndSaysTokensWereSent() {
        fake.enqueue(Reply.text("One two three").failAfter(1), Reply.text("Never sent"));
        var tokens = new ArrayList<String>();

        assertThatThrownBy(() -> model(settings()).stream(CONVERSATION, tokens::add))
                .isInstanceOfSatisfying(UpstreamUnavailable.class, e -> {
                    assertThat(e.tokensSent()).isTrue();
                    assertThat(e.code()).isEqualTo("upstream_unavailable");
                    assertThat(e.status().value()).isEqualTo(503);
                    assertThat(e.getMessage())
                            .doesNotContainIgnoringCase("openai")
                            .doesNotContain("server_error");
                });
        assertThat(tokens).containsExactly("One");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void aProviderThatHangsGivesUpWithinTheDeadline() {
        fake.enqueue(Reply.hang(), Reply.hang(), Reply.hang());
        var settings = settings(Duration.ofMillis(1500), Duration.ofMillis(500), 4, Duration.ofSeconds(1));
        var started = System.nanoTime();

        assertThatThrownBy(() -> model(settings).stream(CONVERSATION, token -> {}))
                .isInstanceOfSatisfying(UpstreamUnavailable.class, e -> {
                    assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.TIMEOUT);
                    assertThat(e.tokensSent()).isFalse();
                });

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500 + 2000));
        // The first-token timeout abandoned the first attempt and a retry was made within the deadline.
        assertThat(fake.requests().size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aBlockingCallToAHangingProviderGivesUpWithinTheDeadline() {
        fake.enqueue(Reply.hang(), Reply.hang(), Reply.hang());
        var settings = settings(Duration.ofSeconds(1), Duration.ofSeconds(1), 4, Duration.ofSeconds(1));
        var started = System.nanoTime();

        assertThatThrownBy(() -> model(settings).complete(CONVERSATION))
                .isInstanceOfSatisfying(
                        UpstreamUnavailable.class,
                        e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.TIMEOUT));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1000 + 2000));
    }

    @Test
    void aStreamThatStallsMidwayEndsWithinTheDeadline() {
        fake.enqueue(Reply.text("Half an answer and then").stallAfter(2));
        var settings = settings(Duration.ofSeconds(1), Duration.ofSeconds(1), 4, Duration.ofSeconds(1));
        var tokens = new CopyOnWriteArrayList<String>();
        var started = System.nanoTime();

        assertThatThrownBy(() -> model(settings).stream(CONVERSATION, tokens::add))
                .isInstanceOfSatisfying(UpstreamUnavailable.class, e -> {
                    assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.TIMEOUT);
                    assertThat(e.tokensSent()).isTrue();
                });

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1000 + 2000));
        assertThat(tokens.getFirst()).isEqualTo("Half");
        assertThat(String.join("", tokens)).isEqualTo("Half an");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void tokensThatArriveWhileTheCallerIsBusyComeAsOnePieceInOrder() {
        fake.enqueue(Reply.chunks("Our", " plans", " start", " at", " $9", " a", " month."));
        var tokens = new ArrayList<String>();

        var result = model(settings()).stream(CONVERSATION, token -> {
            if (tokens.isEmpty()) {
                // A visitor's slow first write: the fake sends the other six meanwhile.
                sleep(Duration.ofMillis(300));
            }
            tokens.add(token);
        });

        assertThat(tokens).containsExactly("Our", " plans start at $9 a month.");
        assertThat(result.text()).isEqualTo("Our plans start at $9 a month.");
    }

    @Test
    void aCallerThatKeepsUpGetsEveryTokenAsItCame() {
        // 250 ms apart: a caller that takes microseconds per token never has two waiting.
        fake.enqueue(Reply.text("One two three four").chunkDelay(Duration.ofMillis(250)));
        var tokens = new ArrayList<String>();

        model(settings()).stream(CONVERSATION, tokens::add);

        assertThat(tokens).containsExactly("One", " two", " three", " four");
    }

    @Test
    void aSlowButSteadyAnswerArrivesWhole() {
        fake.enqueue(Reply.text("Slowly but surely").chunkDelay(Duration.ofMillis(100)));

        var result = model(settings()).stream(CONVERSATION, token -> {});

        assertThat(result.text()).isEqualTo("Slowly but surely");
    }

    @Test
    void rateLimitsAreRetriedThenSurfaceAsUpstreamUnavailable() {
        fake.enqueue(
                Reply.status(429).header("Retry-After", "0"),
                Reply.status(429).header("Retry-After", "0"),
                Reply.status(429).header("Retry-After", "0"),
                Reply.text("Too late"));

        assertThatThrownBy(() -> model(settings()).stream(CONVERSATION, token -> {}))
                .isInstanceOfSatisfying(UpstreamUnavailable.class, e -> {
                    assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.RATE_LIMITED);
                    assertThat(e.tokensSent()).isFalse();
                    assertThat(e.headers()).containsKey("Retry-After");
                });
        // max-attempts = 3: one attempt and two more.
        assertThat(fake.requests()).hasSize(3);
    }

    @Test
    void aRateLimitFollowedBySuccessIsRetried() {
        fake.enqueue(Reply.status(429), Reply.text("Fine now"));

        assertThat(model(settings()).complete(CONVERSATION).text()).isEqualTo("Fine now");
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void aRateLimitSlowsTheWholeInstanceAndItsRetryAfterIsHonoured() {
        var settings = settings();
        var meters = new SimpleMeterRegistry();
        var admission = admission(settings, meters);
        var model = new OpenAiChatModel(client(settings), settings, admission, meters);
        // Within the test's max-backoff (50 ms), which caps what a provider may ask.
        fake.enqueue(Reply.status(429).header("retry-after-ms", "45"), Reply.text("Fine now"));

        var started = System.nanoTime();
        assertThat(model.complete(CONVERSATION).text()).isEqualTo("Fine now");

        // The retry waited for the provider's word, not for our own back-off of at most 10 ms.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(45));
        assertThat(meters.get("yuno.llm.admission.throttled").counter().count()).isEqualTo(1);
        // The 429 set the allowed concurrency to what was in flight (1) times 0.7, kept at the floor
        // of 4; the success that followed, with one call in flight of 4 allowed, did not raise it.
        assertThat(admission.limit()).isEqualTo(4);
    }

    @Test
    void aClientErrorIsNotRetried() {
        fake.enqueue(Reply.status(400), Reply.text("Never"));

        assertThatThrownBy(() -> model(settings()).stream(CONVERSATION, token -> {}))
                .isInstanceOfSatisfying(
                        UpstreamUnavailable.class,
                        e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.PROVIDER_ERROR));
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void anUnreachableProviderIsUpstreamUnavailable() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        var settings = settings(URI.create("http://127.0.0.1:" + port + "/v1"), Duration.ofSeconds(2));

        assertThatThrownBy(() -> model(settings).complete(CONVERSATION))
                .isInstanceOfSatisfying(
                        UpstreamUnavailable.class,
                        e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.PROVIDER_ERROR));
    }

    @Test
    void anExceptionOfTheTokenConsumerPassesThroughUnchanged() {
        fake.enqueue(Reply.text("One two three"));
        var gone = new IllegalStateException("visitor went away");

        assertThatThrownBy(() -> model(settings()).stream(CONVERSATION, token -> {
                    throw gone;
                }))
                .isSameAs(gone);
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void concurrencyIsBoundedAndTheCallBeyondTheBoundFailsFast() throws Exception {
        fake.enqueue(Reply.hang(), Reply.hang());
        var settings = settings(Duration.ofSeconds(3), Duration.ofSeconds(3), 2, Duration.ofMillis(200));
        var model = model(settings);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var first = threads.submit(() -> model.stream(CONVERSATION, token -> {}));
            var second = threads.submit(() -> model.stream(CONVERSATION, token -> {}));
            await().atMost(Duration.ofSeconds(5)).until(() -> fake.inFlight() == 2);
            var started = System.nanoTime();

            assertThatThrownBy(() -> model.stream(CONVERSATION, token -> {}))
                    .isInstanceOfSatisfying(
                            UpstreamUnavailable.class,
                            e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.BUSY));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200 + 2000));
            assertThat(fake.requests()).hasSize(2);
            first.cancel(true);
            second.cancel(true);
        }
    }

    @Test
    void callsBeyondTheBoundWaitForAPermit() throws Exception {
        fake.respondWith(request -> Reply.text("Done").delay(Duration.ofMillis(300)));
        var settings = settings(Duration.ofSeconds(10), Duration.ofSeconds(10), 2, Duration.ofSeconds(5));
        var model = model(settings);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var calls = new ArrayList<Future<ChatResult>>();
            for (int i = 0; i < 4; i++) {
                calls.add(threads.submit(() -> model.complete(CONVERSATION)));
            }
            for (var call : calls) {
                assertThat(call.get().text()).isEqualTo("Done");
            }
        }
        assertThat(fake.maxInFlight()).isEqualTo(2);
    }

    enum Intent {
        QUESTION,
        CONTACT_REQUEST
    }

    record Classification(
            String language,
            Intent intent,
            double confidence,
            @JsonProperty("compliance_red_flag") boolean complianceRedFlag) {}

    @Test
    void parsesAStructuredAnswer() {
        var json = "{\"language\":\"de\",\"intent\":\"CONTACT_REQUEST\",\"confidence\":0.9,"
                + "\"compliance_red_flag\":false}";
        fake.enqueue(Reply.json(json).usage(30, 12));

        var result = model(settings()).structured(CONVERSATION, Classification.class);

        assertThat(result.value()).isEqualTo(new Classification("de", Intent.CONTACT_REQUEST, 0.9, false));
        assertThat(result.json()).isEqualTo(json);
        assertThat(result.usage()).isEqualTo(new Usage(30, 12, 42));
        var request = fake.lastRequest();
        assertThat(request.structured()).isTrue();
        assertThat(request.body()
                        .path("response_format")
                        .path("json_schema")
                        .path("strict")
                        .asBoolean())
                .isTrue();
        assertThat(request.schema().path("properties").propertyNames())
                .contains("language", "intent", "confidence", "compliance_red_flag");
    }

    @Test
    void theFakesDefaultStructuredAnswerFitsTheSchema() {
        var model = model(settings());

        var first = model.structured(CONVERSATION, Classification.class);
        var firstSchema = fake.lastRequest().schema();
        var second = model.structured(CONVERSATION, Classification.class);

        assertThat(first.value()).isEqualTo(new Classification("fake", Intent.QUESTION, 0.5, false));
        assertThat(second.value()).isEqualTo(first.value());
        // The schema, made once per type and kept, goes out the same on later calls.
        assertThat(fake.lastRequest().schema()).isEqualTo(firstSchema);
    }

    @Test
    void aStructuredAnswerThatDoesNotParseIsABadResponse() {
        fake.enqueue(Reply.json("{\"language\": 42"));

        assertThatThrownBy(() -> model(settings()).structured(CONVERSATION, Classification.class))
                .isInstanceOfSatisfying(
                        UpstreamUnavailable.class,
                        e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.BAD_RESPONSE));
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void callsAreTimedByKindAndOutcome() {
        var meters = new SimpleMeterRegistry();
        var model = new OpenAiChatModel(client(settings()), settings(), admission(settings(), meters), meters);
        fake.enqueue(Reply.text("Fine"), Reply.status(400));

        model.complete(CONVERSATION);
        assertThatThrownBy(() -> model.complete(CONVERSATION)).isInstanceOf(UpstreamUnavailable.class);

        assertThat(meters.get("yuno.llm.chat.calls")
                        .tags("kind", "complete", "outcome", "ok")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("yuno.llm.chat.calls")
                        .tags("kind", "complete", "outcome", "provider_error")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    private ChatModel model(LlmSettings settings) {
        var meters = new SimpleMeterRegistry();
        return new OpenAiChatModel(client(settings), settings, admission(settings, meters), meters);
    }

    private static ModelAdmission admission(LlmSettings settings, SimpleMeterRegistry meters) {
        return new ModelAdmission(settings, AdmissionSettings.DEFAULTS, meters);
    }

    private com.openai.client.OpenAIClient client(LlmSettings settings) {
        var holder = new OpenAiClients(settings);
        clients.add(holder);
        return holder.client().orElseThrow();
    }

    private LlmSettings settings() {
        // Generous: the first call of a test JVM loads openai-java, which takes seconds on a busy machine.
        return settings(Duration.ofSeconds(30), Duration.ofSeconds(20), 8, Duration.ofSeconds(1));
    }

    private LlmSettings settings(URI baseUrl, Duration timeout) {
        return new LlmSettings(
                "test-key",
                baseUrl,
                "gpt-test",
                "text-embedding-test",
                timeout,
                8,
                3,
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofSeconds(1),
                timeout,
                256);
    }

    private LlmSettings settings(
            Duration timeout, Duration firstTokenTimeout, int maxConcurrency, Duration acquireTimeout) {
        return new LlmSettings(
                "test-key",
                URI.create(fake.baseUrl()),
                "gpt-test",
                "text-embedding-test",
                timeout,
                maxConcurrency,
                3,
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                acquireTimeout,
                firstTokenTimeout,
                256);
    }
}
