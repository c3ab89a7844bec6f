package com.helloyuno.chat;

import com.helloyuno.analytics.Analytics;
import com.helloyuno.analytics.AnalyticsEvent;
import com.helloyuno.knowledge.Passage;
import com.helloyuno.lead.LeadExtractor;
import com.helloyuno.lead.LeadHints;
import com.helloyuno.lead.LeadService;
import com.helloyuno.llm.ChatMessage;
import com.helloyuno.llm.ChatModel;
import com.helloyuno.llm.ChatRequest;
import com.helloyuno.llm.UpstreamUnavailable;
import com.helloyuno.llm.Usage;
import com.helloyuno.ratelimit.RateLimiter;
import com.helloyuno.spool.Spool;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Phaser;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The work after an answer, off the visitor's path, on a virtual thread per turn: classify the
 * turn, extract the lead, store both history rows (through the {@link Spool}, so that a database
 * outage loses nothing) and hand the lead to {@code lead}, count the tokens, and report analytics. At shutdown it
 * waits for the turns in progress before the spool's last drain.
 */
@Component
class AfterAnswer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AfterAnswer.class);
    static final String HISTORY = "history";
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(20);

    /** Everything the after-work needs of one turn. */
    record Turn(
            Question question,
            String messageId,
            String answer,
            String query,
            boolean rewritten,
            List<Passage> passages,
            List<AskAnswer.Source> sources,
            Usage usage,
            long latencyMs,
            long firstTokenMs,
            boolean streamed,
            boolean offline) {}

    /** Both rows of a turn, written together. */
    record HistoryTurn(ChatHistory.Message user, ChatHistory.Message assistant) {}

    private final ChatModel model;
    private final LeadExtractor extractor;
    private final Spool writes;
    private final LeadService leads;
    private final RateLimiter limiter;
    private final Analytics analytics;
    private final Prompts prompts;
    private final JsonMapper json;
    private final Clock clock;
    private final Phaser inFlight = new Phaser(1);
    private volatile boolean running;

    AfterAnswer(
            ChatModel model,
            LeadExtractor extractor,
            LeadService leads,
            ChatHistory history,
            Spool writes,
            RateLimiter limiter,
            Analytics analytics,
            Prompts prompts,
            JsonMapper json,
            Clock clock) {
        this.model = model;
        this.extractor = extractor;
        this.writes = writes;
        this.leads = leads;
        this.limiter = limiter;
        this.analytics = analytics;
        this.prompts = prompts;
        this.json = json;
        this.clock = clock;
        writes.register(HISTORY, HistoryTurn.class, turn -> history.insert(List.of(turn.user(), turn.assistant())));
    }

    void submit(Turn turn) {
        inFlight.register();
        Thread.ofVirtual().name("after-answer").start(() -> {
            try {
                process(turn);
            } catch (RuntimeException e) {
                log.error(
                        "After-answer work failed for a turn of site {}",
                        turn.question().caller().siteId(),
                        e);
            } finally {
                inFlight.arriveAndDeregister();
            }
        });
    }

    private void process(Turn turn) {
        var question = turn.question();
        var caller = question.caller();
        var classification = classify(turn);
        var usage = turn.usage().plus(classification.usage());
        var now = clock.instant();
        var c = classification.value();

        var userRow = new ChatHistory.Message(
                UUID.randomUUID(),
                caller.siteId(),
                question.sessionId(),
                caller.visitorId(),
                question.pageUrl(),
                "user",
                question.latest(),
                now.minusMillis(Math.max(1, turn.latencyMs())),
                null,
                c == null ? null : c.lang(),
                null,
                c == null ? null : c.intent(),
                usage.promptTokens(),
                c == null ? null : c.userSentiment(),
                c != null && c.complianceRedFlag(),
                caller.ipHash());
        var assistantRow = new ChatHistory.Message(
                UUID.fromString(turn.messageId()),
                caller.siteId(),
                question.sessionId(),
                caller.visitorId(),
                question.pageUrl(),
                "assistant",
                storable(turn.answer()),
                now,
                rawJson(turn, classification),
                c == null ? null : c.lang(),
                c == null ? null : c.answerConfidence(),
                c == null ? null : c.intent(),
                usage.totalTokens(),
                c == null ? null : c.userSentiment(),
                c != null && c.complianceRedFlag(),
                caller.ipHash());
        writes.submit(HISTORY, new HistoryTurn(userRow, assistantRow));

        var hints = new LeadHints(
                c == null ? null : blankToNull(c.leadName()),
                c == null ? null : blankToNull(c.leadIntent()),
                extractor.regionOf(question.pageUrl()));
        extractor
                .extract(question.visitorMessages(), hints)
                .ifPresent(lead ->
                        leads.submitFromChat(caller.siteId(), question.sessionId(), lead, carrier(question, lead)));

        limiter.recordTokens(caller.siteId(), usage.totalTokens());
        analytics.track(new AnalyticsEvent.AnswerGiven(
                caller.siteId(),
                question.sessionId(),
                turn.latencyMs(),
                turn.firstTokenMs(),
                usage.promptTokens(),
                usage.completionTokens(),
                c == null ? null : c.answerConfidence(),
                turn.sources().size(),
                turn.streamed(),
                turn.offline()));
    }

    /**
     * The visitor's latest message that holds the lead's email or phone number (its digits, however
     * they were written): the message that carried the contact details; the latest one otherwise.
     */
    static String carrier(Question question, com.helloyuno.lead.ChatLead lead) {
        var messages = question.visitorMessages();
        var email = lead.email() == null ? null : lead.email().toLowerCase(Locale.ROOT);
        var phoneTail = lead.phone() == null
                ? null
                : lead.phone().substring(Math.max(1, lead.phone().length() - 7));
        for (int i = messages.size() - 1; i >= 0; i--) {
            var message = messages.get(i);
            if (email != null && message.toLowerCase(Locale.ROOT).contains(email)) {
                return message;
            }
            if (phoneTail != null && message.replaceAll("\\D", "").contains(phoneTail)) {
                return message;
            }
        }
        return question.latest();
    }

    private record Classified(@Nullable TurnClassification value, Usage usage) {}

    private Classified classify(Turn turn) {
        if (!model.available()) {
            return new Classified(null, Usage.ZERO);
        }
        var text = "<turn>\nvisitor: " + turn.question().latest() + "\nassistant: " + turn.answer() + "\n</turn>";
        try {
            var result = model.structured(
                    ChatRequest.of(ChatMessage.system(prompts.classify), ChatMessage.user(text))
                            .withTemperature(0),
                    TurnClassification.class);
            return new Classified(normalized(result.value()), result.usage());
        } catch (UpstreamUnavailable e) {
            log.warn("Classification of a turn failed ({}); stored without it", e.reason());
            return new Classified(null, Usage.ZERO);
        }
    }

    /** What the model says is data too: keep it short and in the shapes the columns expect. */
    private static TurnClassification normalized(TurnClassification c) {
        return new TurnClassification(
                clip(lower(c.lang()), 16),
                clip(lower(c.intent()), 64),
                clip(lower(c.userSentiment()), 32),
                Double.isNaN(c.answerConfidence()) ? 0 : Math.clamp(c.answerConfidence(), 0.0, 1.0),
                c.complianceRedFlag(),
                clip(c.leadName(), 200),
                clip(c.leadIntent(), 500));
    }

    private String rawJson(Turn turn, Classified classification) {
        var raw = new LinkedHashMap<String, Object>();
        raw.put("classification", classification.value());
        raw.put("query", turn.query());
        raw.put("rewritten", turn.rewritten());
        raw.put("offline", turn.offline());
        raw.put("sources", turn.sources());
        raw.put("chunk_ids", turn.passages().stream().map(Passage::chunkId).toList());
        raw.put("latency_ms", turn.latencyMs());
        raw.put("first_token_ms", turn.firstTokenMs());
        raw.put(
                "usage",
                new AskAnswer.UsageBody(
                        turn.usage().promptTokens(),
                        turn.usage().completionTokens(),
                        turn.usage().totalTokens()));
        return json.writeValueAsString(raw);
    }

    private static @Nullable String lower(@Nullable String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    /**
     * A model's text without the C0 control characters PostgreSQL cannot store (U+0000) or that
     * mean nothing in a message; tab, CR and LF stay. Visitors' text is refused at the JSON
     * boundary instead; a model's cannot be, and must not cost the turn its history.
     */
    static String storable(String text) {
        for (int i = 0; i < text.length(); i++) {
            var c = text.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                var clean = new StringBuilder(text.length());
                text.chars()
                        .filter(ch -> ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r')
                        .forEach(ch -> clean.append((char) ch));
                return clean.toString();
            }
        }
        return text;
    }

    private static String clip(@Nullable String value, int max) {
        if (value == null) {
            return "";
        }
        var stripped = storable(value).strip();
        return stripped.length() > max ? stripped.substring(0, max) : stripped;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public void start() {
        running = true;
    }

    /** Waits for turns in progress, so that their writes reach the database or the spool. */
    @Override
    public void stop() {
        running = false;
        var phase = inFlight.arrive();
        try {
            inFlight.awaitAdvanceInterruptibly(
                    phase, SHUTDOWN_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("Shutdown: after-answer work still running after {}", SHUTDOWN_WAIT);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // After the web server has stopped taking chats, before the spool's last drain.
        return Integer.MIN_VALUE + 2000;
    }
}
