package com.helloyuno.llm;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.RequestOptions;
import com.openai.core.Timeout;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIRetryableException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chat completions from any OpenAI-compatible server through the shared openai-java client.
 *
 * <p>Each call runs on a virtual thread of its own while the caller waits for it with the call's
 * deadline, so that a provider that hangs or stalls in the middle of a stream costs the caller no
 * more than {@code yuno.llm.timeout}: on expiry the worker is interrupted (which closes its socket)
 * and OkHttp's own call timeout, set to the same deadline, is the backstop. Attempts that fail
 * before the first token with a connection error, 429 or 5xx are retried with jittered
 * exponential backoff while the deadline leaves room; once a token has been handed to the caller
 * nothing is retried ({@link Attempts}). {@link ModelAdmission} admits each attempt; back-off waits
 * hold no admission.
 */
final class OpenAiChatModel implements ChatModel {

    private static final Logger log = LoggerFactory.getLogger(OpenAiChatModel.class);

    /**
     * OkHttp's timeout is set this much past our deadline, so that our own clock decides and
     * OkHttp only cleans up a worker that did not notice its interruption.
     */
    private static final Duration TRANSPORT_GRACE = Duration.ofSeconds(1);

    private static final ChatCompletionStreamOptions INCLUDE_USAGE =
            ChatCompletionStreamOptions.builder().includeUsage(true).build();
    private static final JsonValue STREAM = JsonValue.from(true);

    private final OpenAIClient client;
    private final LlmSettings settings;
    private final ModelAdmission admission;
    private final Attempts.Policy attempts;
    private final MeterRegistry meters;
    private final Map<Class<?>, ChatCompletionCreateParams.ResponseFormat> responseFormats = new ConcurrentHashMap<>();

    OpenAiChatModel(OpenAIClient client, LlmSettings settings, ModelAdmission admission, MeterRegistry meters) {
        this.client = client;
        this.settings = settings;
        this.admission = admission;
        this.attempts = new Attempts.Policy(settings.maxAttempts(), settings.initialBackoff(), settings.maxBackoff());
        this.meters = meters;
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public ChatResult complete(ChatRequest request) {
        var params = params(request).build();
        return call("complete", request, deadline -> {
            var completion = completion(params, deadline);
            return new ChatResult(completion.text(), usage(completion.usage(), request, completion.text()));
        });
    }

    @Override
    public ChatResult stream(ChatRequest request, Consumer<String> onToken) {
        // The body and headers openai-java's createStreaming would send ("stream": true after the
        // known fields, Accept: text/event-stream), set here once: createStreaming copies the whole
        // body to add "stream", converting true to JSON through Jackson's convertValue on every call.
        // The raw answer is read by ProviderWire either way.
        var params = params(request)
                .streamOptions(INCLUDE_USAGE)
                .putAdditionalBodyProperty("stream", STREAM)
                .putAdditionalHeader("Accept", "text/event-stream")
                .build();
        try {
            return call("stream", request, deadline -> streamAttempt(params, request, deadline, onToken));
        } catch (ConsumerFailed e) {
            throw e.getCause();
        }
    }

    @Override
    public <T> StructuredResult<T> structured(ChatRequest request, Class<T> type) {
        var params = params(request).responseFormat(responseFormat(type)).build();
        return call("structured", request, deadline -> {
            var completion = completion(params, deadline);
            var json = completion.text();
            try {
                return new StructuredResult<>(
                        ProviderWire.value(json, type), json, usage(completion.usage(), request, json));
            } catch (RuntimeException e) {
                throw classify(e, false);
            }
        });
    }

    /** One whole (not streamed) completion, read from the raw answer, within the deadline. */
    private ProviderWire.Completion completion(ChatCompletionCreateParams params, Deadline deadline) {
        return blocking(deadline, options -> {
            try (var response = client.chat().completions().withRawResponse().create(params, options)) {
                return ProviderWire.completion(response.body());
            }
        });
    }

    /**
     * The JSON schema of a structured-output type, made once per type: openai-java derives and
     * validates it by reflection on every {@code responseFormat(Class)} call, which was a sixth of
     * the CPU of the work after an answer in the chat benchmark.
     */
    private ChatCompletionCreateParams.ResponseFormat responseFormat(Class<?> type) {
        return responseFormats.computeIfAbsent(
                type,
                t -> ChatCompletionCreateParams.builder()
                        .model(settings.chatModel())
                        .messages(List.of())
                        .responseFormat(t)
                        .build()
                        .rawParams()
                        .responseFormat()
                        .orElseThrow());
    }

    /** Runs attempts under the call's deadline ({@link Attempts}), timed by kind and outcome. */
    private <R> R call(String kind, ChatRequest request, Function<Deadline, R> attempt) {
        var sample = Timer.start(meters);
        var outcome = "ok";
        try {
            var tokens = Tokens.ofCharacters(request.characters())
                    + (request.maxOutputTokens() != null ? request.maxOutputTokens() : settings.maxOutputTokens());
            return Attempts.run(
                    "Chat model call (" + kind + ")",
                    attempts,
                    admission,
                    Deadline.after(settings.timeout()),
                    tokens,
                    attempt);
        } catch (UpstreamUnavailable e) {
            outcome = e.reason().name().toLowerCase(Locale.ROOT);
            throw e;
        } catch (RuntimeException e) {
            outcome = "caller_error";
            throw e;
        } finally {
            sample.stop(meters.timer("yuno.llm.chat.calls", "kind", kind, "outcome", outcome));
        }
    }

    /** One request that answers at once, waited for no longer than the deadline. */
    private <R> R blocking(Deadline deadline, Function<RequestOptions, R> request) {
        var options = options(deadline);
        var task = new FutureTask<R>(() -> request.apply(options));
        Thread.ofVirtual().name("yuno-llm-call").start(task);
        try {
            return task.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new Attempts.Failed(
                    UpstreamUnavailable.Reason.TIMEOUT, false, false, null, "no answer by the deadline");
        } catch (ExecutionException e) {
            throw classify(e.getCause(), false);
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new Attempts.Failed(UpstreamUnavailable.Reason.TIMEOUT, false, false, null, "caller interrupted");
        }
    }

    /**
     * One streaming request. A worker thread reads the stream into a queue; this thread takes
     * from it with a timeout (the first-token timeout until a token came, the deadline after) and
     * hands tokens to the caller.
     */
    private ChatResult streamAttempt(
            ChatCompletionCreateParams params, ChatRequest request, Deadline deadline, Consumer<String> onToken) {
        var events = new LinkedBlockingQueue<StreamEvent>();
        var options = options(deadline);
        var worker = Thread.ofVirtual().name("yuno-llm-stream").start(() -> {
            try (var response = client.chat().completions().withRawResponse().create(params, options)) {
                ProviderWire.stream(
                        response.body(),
                        text -> events.add(new StreamEvent.Token(text)),
                        usage -> events.add(new StreamEvent.Reported(usage)));
                events.add(new StreamEvent.Done());
            } catch (Throwable t) {
                events.add(new StreamEvent.Failed(t));
            }
        });
        var firstTokenBy = deadline.capped(settings.firstTokenTimeout());
        var text = new StringBuilder();
        Usage usage = null;
        var tokensSent = false;
        var finished = false;
        try {
            while (true) {
                var limit = tokensSent ? deadline : firstTokenBy;
                var event = events.poll(limit.remainingNanos(), TimeUnit.NANOSECONDS);
                switch (event) {
                    case null -> {
                        var retryable = !tokensSent && !deadline.expired();
                        throw new Attempts.Failed(
                                UpstreamUnavailable.Reason.TIMEOUT,
                                retryable,
                                tokensSent,
                                null,
                                tokensSent ? "the stream stalled past the deadline" : "no first token in time");
                    }
                    case StreamEvent.Token token -> {
                        var piece = tokensSent ? withQueuedTokens(token.text(), events) : token.text();
                        text.append(piece);
                        tokensSent = true;
                        try {
                            onToken.accept(piece);
                        } catch (RuntimeException e) {
                            throw new ConsumerFailed(e);
                        }
                    }
                    case StreamEvent.Reported reported ->
                        usage = reported.usage().toUsage();
                    case StreamEvent.Done done -> {
                        finished = true;
                        var answer = text.toString();
                        return new ChatResult(answer, usage != null ? usage : usage(null, request, answer));
                    }
                    case StreamEvent.Failed failed -> {
                        finished = true;
                        throw classify(failed.cause(), tokensSent);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Attempts.Failed(
                    UpstreamUnavailable.Reason.TIMEOUT, false, tokensSent, null, "caller interrupted");
        } finally {
            if (!finished) {
                // Closes the worker's socket: a virtual thread blocked in socket I/O is interruptible.
                worker.interrupt();
            }
        }
    }

    private ChatCompletionCreateParams.Builder params(ChatRequest request) {
        var builder = ChatCompletionCreateParams.builder()
                .model(settings.chatModel())
                .maxCompletionTokens(
                        request.maxOutputTokens() != null ? request.maxOutputTokens() : settings.maxOutputTokens());
        if (request.temperature() != null) {
            builder.temperature(request.temperature());
        }
        for (var message : request.messages()) {
            switch (message.role()) {
                case SYSTEM -> builder.addSystemMessage(message.content());
                case USER -> builder.addUserMessage(message.content());
                case ASSISTANT -> builder.addAssistantMessage(message.content());
            }
        }
        return builder;
    }

    private static RequestOptions options(Deadline deadline) {
        var transport = deadline.remaining().plus(TRANSPORT_GRACE);
        return RequestOptions.builder()
                .timeout(Timeout.builder()
                        .connect(transport)
                        .read(transport)
                        .write(transport)
                        .request(transport)
                        .build())
                .build();
    }

    private static Usage usage(ProviderWire.@Nullable ReportedUsage reported, ChatRequest request, String answer) {
        return reported != null ? reported.toUsage() : Usage.estimate(request.characters(), answer.length());
    }

    /**
     * The token and every token queued behind it, as one piece. They queue while the caller is
     * still busy with the previous piece (writing it to a visitor whose stream is flushed after
     * every event), or when one read from the provider brought several: under load a stream then
     * costs one write for several tokens instead of falling further behind, and nothing ever waits
     * for more. The first token always goes alone, at once.
     */
    private static String withQueuedTokens(String first, LinkedBlockingQueue<StreamEvent> events) {
        if (!(events.peek() instanceof StreamEvent.Token)) {
            return first;
        }
        var piece = new StringBuilder(first);
        // One consumer: what peek saw is what poll takes.
        while (events.peek() instanceof StreamEvent.Token next) {
            events.poll();
            piece.append(next.text());
        }
        return piece.toString();
    }

    /** What a provider failure means: its reason, whether another attempt may help, what to log. */
    private static Attempts.Failed classify(Throwable t, boolean tokensSent) {
        return switch (t) {
            case Attempts.Failed failed -> failed;
            case ProviderWire.StreamError e ->
                new Attempts.Failed(
                        UpstreamUnavailable.Reason.PROVIDER_ERROR,
                        !tokensSent,
                        tokensSent,
                        null,
                        "error event in the stream" + (e.code() != null ? " (" + e.code() + ")" : ""));
            case OpenAIServiceException e -> {
                var status = e.statusCode();
                var transientError = status == 408 || status == 409 || status == 429 || status >= 500;
                yield new Attempts.Failed(
                        status == 429
                                ? UpstreamUnavailable.Reason.RATE_LIMITED
                                : UpstreamUnavailable.Reason.PROVIDER_ERROR,
                        transientError && !tokensSent,
                        tokensSent,
                        transientError ? Attempts.retryAfter(e.headers()) : null,
                        "HTTP " + status + e.code().map(c -> " (" + c + ")").orElse(""));
            }
            case ProviderWire.Unreadable e ->
                new Attempts.Failed(
                        UpstreamUnavailable.Reason.BAD_RESPONSE, false, tokensSent, null, "unreadable answer");
            case OpenAIIoException e -> ioFailure(e, tokensSent);
            case OpenAIRetryableException e -> ioFailure(e, tokensSent);
            case IOException e -> ioFailure(e, tokensSent);
            case UncheckedIOException e -> ioFailure(e, tokensSent);
            default ->
                new Attempts.Failed(
                        UpstreamUnavailable.Reason.BAD_RESPONSE,
                        false,
                        tokensSent,
                        null,
                        "unexpected " + t.getClass().getSimpleName());
        };
    }

    private static Attempts.Failed ioFailure(Throwable t, boolean tokensSent) {
        var timedOut = false;
        for (var cause = t; cause != null; cause = cause.getCause()) {
            timedOut |= cause instanceof InterruptedIOException;
        }
        return new Attempts.Failed(
                timedOut ? UpstreamUnavailable.Reason.TIMEOUT : UpstreamUnavailable.Reason.PROVIDER_ERROR,
                !tokensSent,
                tokensSent,
                null,
                (timedOut ? "I/O timeout: " : "connection failed: ")
                        + t.getClass().getSimpleName());
    }

    private sealed interface StreamEvent {
        record Token(String text) implements StreamEvent {}

        record Reported(ProviderWire.ReportedUsage usage) implements StreamEvent {}

        record Done() implements StreamEvent {}

        record Failed(Throwable cause) implements StreamEvent {}
    }

    /** The caller's token consumer threw: not the provider's fault, so it passes through unchanged. */
    private static final class ConsumerFailed extends RuntimeException {

        ConsumerFailed(RuntimeException cause) {
            super(null, cause, false, false);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }
}
