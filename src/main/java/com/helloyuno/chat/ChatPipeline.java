package com.helloyuno.chat;

import com.helloyuno.analytics.Analytics;
import com.helloyuno.analytics.AnalyticsEvent;
import com.helloyuno.knowledge.Passage;
import com.helloyuno.knowledge.Retriever;
import com.helloyuno.lead.LeadExtractor;
import com.helloyuno.lead.LeadHints;
import com.helloyuno.llm.ChatMessage;
import com.helloyuno.llm.ChatModel;
import com.helloyuno.llm.ChatRequest;
import com.helloyuno.llm.ChatResult;
import com.helloyuno.llm.UpstreamUnavailable;
import com.helloyuno.llm.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
    private static final int REWRITE_MAX_TOKENS = 120;

    private final ChatModel model;
    private final Retriever retriever;
    private final LeadExtractor leads;
    private final Prompts prompts;
    private final OfflineAnswers offline;
    private final AfterAnswer afterAnswer;
    private final Analytics analytics;
    private final ChatSettings settings;
    private final MeterRegistry meters;

    ChatPipeline(
            ChatModel model,
            Retriever retriever,
            LeadExtractor leads,
            Prompts prompts,
            OfflineAnswers offline,
            AfterAnswer afterAnswer,
            Analytics analytics,
            ChatSettings settings,
            MeterRegistry meters) {
        this.model = model;
        this.retriever = retriever;
        this.leads = leads;
        this.prompts = prompts;
        this.offline = offline;
        this.afterAnswer = afterAnswer;
        this.analytics = analytics;
        this.settings = settings;
        this.meters = meters;
    }

    /** What the visitor gets, whole. */
    record Outcome(
            String answer, String messageId, List<AskAnswer.Source> sources, boolean leadCaptured, Usage usage) {}

    Outcome answer(Question question, AnswerSink sink, boolean streamed) {
        var started = System.nanoTime();
        var messageId = UUID.randomUUID().toString();
        var siteId = question.caller().siteId();
        // The page's country, for reading national phone numbers wherever contact details are looked for.
        var region = leads.regionOf(question.pageUrl());
        sink.meta(question.sessionId(), messageId);

        var query = question.latest();
        var usage = Usage.ZERO;
        var rewritten = false;
        if (question.followUp() && model.available()) {
            try {
                var result = rewrite(question);
                usage = usage.plus(result.usage());
                if (!result.text().isBlank()) {
                    query = result.text().strip();
                    rewritten = true;
                }
            } catch (UpstreamUnavailable e) {
                // The follow-up still gets an answer, searched with the visitor's own words.
                log.warn("Query rewrite failed ({}); searching with the question as asked", e.reason());
            }
        }
        analytics.track(new AnalyticsEvent.QuestionAsked(
                siteId, question.sessionId(), question.earlier().size() / 2 + 1, rewritten));

        List<Passage> passages;
        try {
            passages = retriever.search(siteId, leads.withoutContactDetails(query, region));
        } catch (DataAccessException e) {
            // PostgreSQL is briefly away: the visitor still gets an answer (one that offers to take
            // contact details), and what must be stored waits in the spool.
            log.warn(
                    "Retrieval unavailable ({}); answering without passages",
                    e.getClass().getSimpleName());
            Counter.builder("yuno.chat.retrieval.unavailable")
                    .description("Answers given without the site's passages because PostgreSQL did not answer")
                    .register(meters)
                    .increment();
            passages = List.of();
        }
        var sources = sources(passages);

        String answer;
        var firstToken = new long[] {0};
        if (model.available()) {
            ChatResult result = model.stream(request(question, passages), text -> {
                if (firstToken[0] == 0) {
                    firstToken[0] = System.nanoTime();
                }
                sink.token(text);
            });
            answer = result.text();
            usage = usage.plus(result.usage());
        } else {
            // Without a model nothing else would acknowledge contact details the visitor just gave.
            var gaveContact = leads.extract(List.of(question.latest()), new LeadHints(null, null, region))
                    .isPresent();
            answer = gaveContact ? offline.thanks(passages) : offline.answer(passages);
            firstToken[0] = System.nanoTime();
            for (var piece : OfflineAnswers.pieces(answer)) {
                sink.token(piece);
            }
        }
        // Emails and phones are found by pattern, in microseconds; the model adds name and intent later.
        var leadCaptured = leads.extract(question.visitorMessages(), new LeadHints(null, null, region))
                .isPresent();

        sink.sources(sources);
        sink.done(leadCaptured, AskAnswer.UsageBody.of(usage));

        var latencyMs = (System.nanoTime() - started) / 1_000_000;
        var firstTokenMs = firstToken[0] == 0 ? latencyMs : (firstToken[0] - started) / 1_000_000;
        afterAnswer.submit(new AfterAnswer.Turn(
                question,
                messageId,
                answer,
                query,
                rewritten,
                passages,
                sources,
                usage,
                latencyMs,
                firstTokenMs,
                streamed,
                !model.available()));
        return new Outcome(answer, messageId, sources, leadCaptured, usage);
    }

    private ChatResult rewrite(Question question) {
        var conversation = new StringBuilder("<conversation>\n");
        for (var turn : trimmed(question.earlier())) {
            conversation
                    .append(turn.role().wireName())
                    .append(": ")
                    .append(turn.content())
                    .append('\n');
        }
        conversation.append("user: ").append(question.latest()).append("\n</conversation>");
        return model.complete(
                ChatRequest.of(ChatMessage.system(prompts.rewrite), ChatMessage.user(conversation.toString()))
                        .withMaxOutputTokens(REWRITE_MAX_TOKENS)
                        .withTemperature(0));
    }

    /**
     * The system prompt is ours alone: the site's settings and the passages go into it, clearly
     * delimited as untrusted reference text; the visitor's turns follow in their own roles, which
     * can only be user and assistant.
     */
    ChatRequest request(Question question, List<Passage> passages) {
        var site = question.caller().site();
        var config = site.customConfig();
        var owner = config.systemPrompt() == null || config.systemPrompt().isBlank()
                ? ""
                : Prompts.fill(prompts.ownerInstructions, Map.of("system_prompt", config.systemPrompt()));
        var system = Prompts.fill(
                prompts.answerSystem,
                Map.of(
                        "bot_name", config.botName(),
                        "domain", site.domain(),
                        "owner_instructions", owner,
                        "passages", passagesText(passages)));
        var messages = new ArrayList<ChatMessage>();
        messages.add(ChatMessage.system(system));
        messages.addAll(trimmed(question.earlier()));
        messages.add(ChatMessage.user(question.latest()));
        return ChatRequest.of(messages);
    }

    /** The most recent earlier turns that fit the history budget (tokens taken as chars / 4). */
    List<ChatMessage> trimmed(List<ChatMessage> earlier) {
        var budget = settings.historyTokenBudget() * 4L;
        var kept = new ArrayList<ChatMessage>();
        for (int i = earlier.size() - 1; i >= 0; i--) {
            var turn = earlier.get(i);
            budget -= turn.content().length();
            if (budget < 0) {
                break;
            }
            kept.addFirst(turn);
        }
        return kept;
    }

    private static String passagesText(List<Passage> passages) {
        if (passages.isEmpty()) {
            return "(none: nothing on this website matches the question)";
        }
        var out = new StringBuilder();
        for (int i = 0; i < passages.size(); i++) {
            var p = passages.get(i);
            out.append("<reference id=\"")
                    .append(i + 1)
                    .append("\" title=\"")
                    .append(attribute(p.title()))
                    .append("\" url=\"")
                    .append(attribute(p.url()))
                    .append("\">\n")
                    // A passage cannot close its own tag early and speak outside it.
                    .append(p.content().replace("</reference", "<\\/reference"))
                    .append("\n</reference>\n");
        }
        return out.toString();
    }

    private static String attribute(String value) {
        return value == null ? "" : value.replace("\"", "'").replace("\n", " ");
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
