package com.helloyuno.chat;

import com.helloyuno.analytics.Analytics;
import com.helloyuno.analytics.AnalyticsEvent;
import com.helloyuno.knowledge.Passage;
import com.helloyuno.lead.ContactScan;
import com.helloyuno.lead.LeadExtractor;
import com.helloyuno.lead.LeadService;
import com.helloyuno.llm.Usage;
import com.helloyuno.ratelimit.RateLimiter;
import com.helloyuno.spool.Spool;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The work after an answer, off the visitor's path, on a virtual thread per turn: classify the
 * turn ({@link TurnClassifier}), store both history rows ({@link TurnRecord}, through the {@link
 * Spool}, so that a database outage loses nothing), hand the lead the turn's contact scan found to
 * {@code lead}, count the tokens, and report analytics. At shutdown it waits for the turns in
 * progress before the spool's last drain.
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
            ContactScan contact,
            List<Passage> passages,
            List<AskAnswer.Source> sources,
            Usage usage,
            long latencyMs,
            long firstTokenMs,
            boolean streamed,
            boolean offline) {}

    /** Both rows of a turn, written together. */
    record HistoryTurn(ChatHistory.Message user, ChatHistory.Message assistant) {}

    private final TurnClassifier classifier;
    private final LeadExtractor extractor;
    private final Spool writes;
    private final LeadService leads;
    private final RateLimiter limiter;
    private final Analytics analytics;
    private final JsonMapper json;
    private final Clock clock;
    private final Phaser inFlight = new Phaser(1);
    private volatile boolean running;

    AfterAnswer(
            TurnClassifier classifier,
            LeadExtractor extractor,
            LeadService leads,
            ChatHistory history,
            Spool writes,
            RateLimiter limiter,
            Analytics analytics,
            JsonMapper json,
            Clock clock) {
        this.classifier = classifier;
        this.extractor = extractor;
        this.writes = writes;
        this.leads = leads;
        this.limiter = limiter;
        this.analytics = analytics;
        this.json = json;
        this.clock = clock;
        writes.registerBatch(HISTORY, HistoryTurn.class, turns -> {
            var rows = new ArrayList<ChatHistory.Message>(turns.size() * 2);
            for (var turn : turns) {
                rows.add(turn.user());
                rows.add(turn.assistant());
            }
            history.insert(rows);
        });
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
        var classified = classifier.classify(question.latest(), turn.answer());
        var classification = classified.value();
        var usage = turn.usage().plus(classified.usage());
        writes.submit(HISTORY, TurnRecord.rows(turn, classification, usage, clock.instant(), json));

        extractor
                .lead(turn.contact(), classification.leadName(), classification.leadIntent())
                .ifPresent(lead -> leads.submitFromChat(
                        caller.siteId(),
                        question.sessionId(),
                        lead,
                        turn.contact().carrier()));

        limiter.recordTokens(caller.siteId(), usage.totalTokens());
        analytics.track(new AnalyticsEvent.AnswerGiven(
                caller.siteId(),
                question.sessionId(),
                turn.latencyMs(),
                turn.firstTokenMs(),
                usage.promptTokens(),
                usage.completionTokens(),
                classification.answerConfidence(),
                turn.sources().size(),
                turn.streamed(),
                turn.offline()));
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
