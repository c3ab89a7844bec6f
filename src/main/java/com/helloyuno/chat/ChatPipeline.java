package com.helloyuno.chat;

import com.helloyuno.analytics.Analytics;
import com.helloyuno.analytics.AnalyticsEvent;
import com.helloyuno.knowledge.Passage;
import com.helloyuno.knowledge.RetrievalBusy;
import com.helloyuno.knowledge.Retriever;
import com.helloyuno.lead.LeadExtractor;
import com.helloyuno.llm.ChatModel;
import com.helloyuno.llm.ChatResult;
import com.helloyuno.llm.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;

/**
 * From a question to an answer. The visitor waits only for what the answer needs: a rewrite of a
 * follow-up question, retrieval, and the answer itself (streamed as it comes). Classification,
 * lead capture, history and analytics happen afterwards, off the visitor's path ({@link
 * AfterAnswer}). No database connection is held across a model call: retrieval finishes before
 * the model is asked.
 */
@Service
class ChatPipeline {

    private static final Logger log = LoggerFactory.getLogger(ChatPipeline.class);
    private static final int MAX_SOURCES = 5;
    private static final long BUSY_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final ChatModel model;
    private final Retriever retriever;
    private final LeadExtractor leads;
    private final QueryRewriter rewriter;
    private final AnswerPrompt prompt;
    private final OfflineAnswers offline;
    private final AfterAnswer afterAnswer;
    private final Analytics analytics;
    private final Counter retrievalUnavailable;
    private final Counter retrievalBusy;
    private final Timer firstTokenStreamed;
    private final Timer firstTokenWhole;
    private volatile long lastBusyLog = System.nanoTime() - BUSY_LOG_INTERVAL_NANOS - 1;

    ChatPipeline(
            ChatModel model,
            Retriever retriever,
            LeadExtractor leads,
            QueryRewriter rewriter,
            AnswerPrompt prompt,
            OfflineAnswers offline,
            AfterAnswer afterAnswer,
            Analytics analytics,
            MeterRegistry meters) {
        this.model = model;
        this.retriever = retriever;
        this.leads = leads;
        this.rewriter = rewriter;
        this.prompt = prompt;
        this.offline = offline;
        this.afterAnswer = afterAnswer;
        this.analytics = analytics;
        this.retrievalUnavailable = Counter.builder("yuno.chat.retrieval.unavailable")
                .tag("reason", "database")
                .description("Answers given without the site's passages: PostgreSQL did not answer, or every"
                        + " search slot stayed taken for yuno.knowledge.retrieval.max-wait")
                .register(meters);
        this.firstTokenStreamed = firstTokenTimer(meters, true);
        this.firstTokenWhole = firstTokenTimer(meters, false);
        this.retrievalBusy = Counter.builder("yuno.chat.retrieval.unavailable")
                .tag("reason", "busy")
                .description("Answers given without the site's passages: PostgreSQL did not answer, or every"
                        + " search slot stayed taken for yuno.knowledge.retrieval.max-wait")
                .register(meters);
    }

    /**
     * The time to the first token as the service sees it, from the request's arrival (its first
     * filter), so the token check, the rate limit and the body's upload and parsing count too: a
     * histogram, so that an operator's p99 needs no client's measurement. What it cannot see is
     * the wait before Tomcat hands the request to a thread, and a client's own delays before it
     * sends: a benchmark's gap between the two figures is those.
     */
    private static Timer firstTokenTimer(MeterRegistry meters, boolean streamed) {
        return Timer.builder("yuno.chat.first.token")
                .tag("streamed", Boolean.toString(streamed))
                .description("Time from the arrival of a question's request to its answer's first token (the"
                        + " whole answer when there was none)")
                .publishPercentileHistogram()
                .maximumExpectedValue(java.time.Duration.ofSeconds(60))
                .register(meters);
    }

    /** What the visitor gets, whole. */
    record Outcome(
            String answer, String messageId, List<AskAnswer.Source> sources, boolean leadCaptured, Usage usage) {}

    /**
     * The answer to a question; {@code started} is when its request reached the service ({@link
     * System#nanoTime}), from which its first token and latency are measured.
     */
    Outcome answer(Question question, AnswerSink sink, boolean streamed, long started) {
        var messageId = UUID.randomUUID().toString();
        var siteId = question.caller().siteId();
        sink.meta(question.sessionId(), messageId);

        // Forward only: the model rewrites (llm), one contact scan reads the messages and scrubs the
        // query (lead), retrieval searches (knowledge), the model answers (llm).
        var query = rewriter.query(question);
        var usage = query.usage();
        analytics.track(new AnalyticsEvent.QuestionAsked(
                siteId, question.sessionId(), question.earlier().size() / 2 + 1, query.rewritten()));
        // The one contact scan of the turn: the query's scrub, the offline thanks, lead_captured and
        // the stored lead all use it (patterns only, in microseconds; the model adds name and intent later).
        var contact = leads.scan(question.visitorMessages(), question.pageUrl(), query.text());

        var passages = passages(siteId, contact.searchQuery());
        var sources = sources(passages);

        String answer;
        var firstToken = new long[] {0};
        if (model.available()) {
            ChatResult result = model.stream(prompt.request(question, passages), text -> {
                if (firstToken[0] == 0) {
                    firstToken[0] = System.nanoTime();
                }
                sink.token(text);
            });
            answer = result.text();
            usage = usage.plus(result.usage());
        } else {
            // Without a model nothing else would acknowledge contact details the visitor just gave.
            answer = contact.inLatest() ? offline.thanks(passages) : offline.answer(passages);
            firstToken[0] = System.nanoTime();
            for (var piece : OfflineAnswers.pieces(answer)) {
                sink.token(piece);
            }
        }

        sink.sources(sources);
        sink.done(contact.found(), AskAnswer.UsageBody.of(usage));

        var ended = System.nanoTime();
        var latencyMs = (ended - started) / 1_000_000;
        var firstTokenMs = firstToken[0] == 0 ? latencyMs : (firstToken[0] - started) / 1_000_000;
        (streamed ? firstTokenStreamed : firstTokenWhole)
                .record((firstToken[0] == 0 ? ended : firstToken[0]) - started, TimeUnit.NANOSECONDS);
        afterAnswer.submit(new AfterAnswer.Turn(
                question,
                messageId,
                answer,
                query.text(),
                query.rewritten(),
                contact,
                passages,
                sources,
                usage,
                latencyMs,
                firstTokenMs,
                streamed,
                !model.available()));
        return new Outcome(answer, messageId, sources, contact.found(), usage);
    }

    private List<Passage> passages(String siteId, String query) {
        try {
            return retriever.search(siteId, query);
        } catch (DataAccessException e) {
            // PostgreSQL is briefly away: the visitor still gets an answer (one that offers to take
            // contact details), and what must be stored waits in the spool.
            if (e instanceof RetrievalBusy) {
                // An overload: counted every time, logged now and then rather than per visitor.
                retrievalBusy.increment();
                var now = System.nanoTime();
                if (now - lastBusyLog > BUSY_LOG_INTERVAL_NANOS) {
                    lastBusyLog = now;
                    log.warn("Retrieval busy ({}); answering without passages", e.getMessage());
                }
                return List.of();
            }
            log.warn(
                    "Retrieval unavailable ({}); answering without passages",
                    e.getClass().getSimpleName());
            retrievalUnavailable.increment();
            return List.of();
        }
    }

    static List<AskAnswer.Source> sources(List<Passage> passages) {
        var byKey = new LinkedHashMap<String, AskAnswer.Source>();
        for (var p : passages) {
            var key = p.url() != null ? p.url() : p.title();
            byKey.putIfAbsent(
                    key,
                    new AskAnswer.Source(
                            p.title() == null || p.title().isBlank() ? "Untitled" : p.title(),
                            p.url(),
                            Math.round(p.score() * 100) / 100.0));
        }
        return byKey.values().stream().limit(MAX_SOURCES).collect(Collectors.toList());
    }
}
