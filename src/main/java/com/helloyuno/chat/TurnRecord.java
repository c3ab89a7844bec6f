package com.helloyuno.chat;

import com.helloyuno.knowledge.Passage;
import com.helloyuno.llm.Usage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * A finished turn as {@code chat_history} stores it: the visitor's row and the assistant's, with
 * the classification (or the columns' nulls without one), the tokens, and the assistant's raw
 * record of how the answer was made (query, sources, chunks, timings, usage).
 */
final class TurnRecord {

    private TurnRecord() {}

    static AfterAnswer.HistoryTurn rows(
            AfterAnswer.Turn turn, Classification c, Usage usage, Instant now, JsonMapper json) {
        var question = turn.question();
        var caller = question.caller();
        var user = new ChatHistory.Message(
                UUID.randomUUID(),
                caller.siteId(),
                question.sessionId(),
                caller.visitorId(),
                question.pageUrl(),
                "user",
                question.latest(),
                // Before the answer, so that a conversation reads in order.
                now.minusMillis(Math.max(1, turn.latencyMs())),
                null,
                c.lang(),
                null,
                c.intent(),
                usage.promptTokens(),
                c.userSentiment(),
                c.complianceRedFlag(),
                caller.ipHash());
        var assistant = new ChatHistory.Message(
                UUID.fromString(turn.messageId()),
                caller.siteId(),
                question.sessionId(),
                caller.visitorId(),
                question.pageUrl(),
                "assistant",
                Classification.storable(turn.answer()),
                now,
                rawJson(turn, c, json),
                c.lang(),
                c.answerConfidence(),
                c.intent(),
                usage.totalTokens(),
                c.userSentiment(),
                c.complianceRedFlag(),
                caller.ipHash());
        return new AfterAnswer.HistoryTurn(user, assistant);
    }

    private static String rawJson(AfterAnswer.Turn turn, Classification c, JsonMapper json) {
        var raw = new LinkedHashMap<String, Object>();
        raw.put("classification", c.present() ? c : null);
        raw.put("query", turn.query());
        raw.put("rewritten", turn.rewritten());
        raw.put("offline", turn.offline());
        raw.put("sources", turn.sources());
        raw.put("chunk_ids", turn.passages().stream().map(Passage::chunkId).toList());
        raw.put("latency_ms", turn.latencyMs());
        raw.put("first_token_ms", turn.firstTokenMs());
        raw.put("usage", AskAnswer.UsageBody.of(turn.usage()));
        return json.writeValueAsString(raw);
    }
}
