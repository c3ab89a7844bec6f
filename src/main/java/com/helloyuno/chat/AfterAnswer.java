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
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The work after an answer, off the visitor's path, on a virtual thread per turn: classify the
 * turn ({@link TurnClassifier}), store both history rows ({@link TurnRecord}, through the {@link
 * Spool}, so that a database outage loses nothing), hand the lead the turn's contact scan found to
 * {@code lead}, count the tokens, and report analytics. At most {@code
 * yuno.chat.after-answer-concurrency} turns are processed at once; the others wait for their turn
 * on their parked threads (counted in {@code yuno.chat.after-answer.waiting}). The virtual-thread
 * scheduler serves runnable threads first come, first served, so unbounded, the work of a hundred
 * chats ending in one second took as large a share of the processor as the hundred starting, and
 * their first tokens waited (README, chat benchmark, the stream ramp). At shutdown it lets every
 * waiting turn run and waits for them before the spool's last drain.
 */
@Component
class AfterAnswer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AfterAnswer.class);
    static final String HISTORY = "history";
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(20);
    /** How often a waiting turn looks whether shutdown has let it through. */
    private static final Duration DRAIN_CHECK = Duration.ofMillis(200);

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
    private final Semaphore turns;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean running;
    /** Set at shutdown: waiting turns run without a permit, so none is left behind. */
    private volatile boolean draining;

    AfterAnswer(
            TurnClassifier classifier,
            LeadExtractor extractor,
            LeadService leads,
            ChatHistory history,
            Spool writes,
            RateLimiter limiter,
            Analytics analytics,
            JsonMapper json,
            Clock clock,
            ChatSettings settings,
            MeterRegistry meters) {
        this.turns = new Semaphore(settings.afterAnswerConcurrency(), true);
        Gauge.builder("yuno.chat.after-answer.waiting", waiting, AtomicInteger::get)
                .description("Answered turns waiting for their after-answer work to start"
                        + " (at most yuno.chat.after-answer-concurrency run at once)")
                .register(meters);
        this.classifier = classifier;
        this.extractor = extractor;
        this.writes = writes;
        this.leads = leads;
        this.limiter = limiter;
        this.analytics = analytics;
        this.json = json;
        this.clock = clock;
        writes.register(HISTORY, HistoryTurn.class, turn -> history.insert(List.of(turn.user(), turn.assistant())));
    }

    void submit(Turn turn) {
        inFlight.register();
        Thread.ofVirtual().name("after-answer").start(() -> {
            var permitted = false;
            try {
                permitted = awaitTurn();
                process(turn);
            } catch (RuntimeException e) {
                log.error(
                        "After-answer work failed for a turn of site {}",
                        turn.question().caller().siteId(),
                        e);
            } finally {
                if (permitted) {
                    turns.release();
                }
                inFlight.arriveAndDeregister();
            }
        });
    }

    /** Waits for one of the permits; true when it took one, false when shutdown let it through. */
    private boolean awaitTurn() {
        if (turns.tryAcquire()) {
            return true;
        }
        waiting.incrementAndGet();
        try {
            while (!draining) {
                if (turns.tryAcquire(DRAIN_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            // Not expected (nothing interrupts these threads); the turn is still worth storing.
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiting.decrementAndGet();
        }
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
        draining = true;
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
