package com.helloyuno.chat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code chat_history} table: one row per message, with every field of the original design. */
@Repository
class ChatHistory {

    /** One stored message. */
    record Message(
            UUID id,
            String siteId,
            String sessionId,
            @Nullable String userId,
            @Nullable String pageUrl,
            String role,
            String content,
            Instant timestamp,
            @Nullable String rawJsonOutput,
            @Nullable String lang,
            @Nullable Double answerConfidence,
            @Nullable String intent,
            @Nullable Integer tokensUsed,
            @Nullable String userSentiment,
            boolean complianceRedFlag,
            @Nullable String ipHash) {}

    record Conversation(
            String sessionId,
            Instant firstMessageAt,
            Instant lastMessageAt,
            long messageCount,
            @Nullable String lang) {}

    private final JdbcClient jdbc;

    ChatHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the messages in one statement (a turn's two rows, or the turns of a spool batch, in
     * one round trip and one transaction: all or none); a message already stored (same id) is left
     * alone, so replays are harmless, and so are messages of a site deleted meanwhile. The rows go
     * as one array per column, so the statement is the same for any number of them and stays
     * prepared on the connection.
     */
    void insert(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO chat_history (id, site_id, session_id, user_id, page_url, role, content, "timestamp",
                               raw_json_output, lang, answer_confidence, intent, tokens_used, user_sentiment,
                               compliance_red_flag, ip_hash)
                        SELECT v.id, v.site_id, v.session_id, v.user_id, v.page_url, v.role, v.content, v.ts::timestamptz,
                               v.raw::jsonb, v.lang, v.confidence::real, v.intent, v.tokens, v.sentiment, v.flag, v.ip
                        FROM unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::text[], ?::varchar[],
                                    ?::text[], ?::text[], ?::text[], ?::varchar[], ?::float8[], ?::varchar[],
                                    ?::int[], ?::varchar[], ?::boolean[], ?::varchar[])
                             AS v(id, site_id, session_id, user_id, page_url, role, content, ts, raw, lang,
                                  confidence, intent, tokens, sentiment, flag, ip)
                        WHERE EXISTS (SELECT 1 FROM sites s WHERE s.site_id = v.site_id)
                        ON CONFLICT (id) DO NOTHING
                        """)
                .params(
                        column(messages, UUID[]::new, Message::id),
                        column(messages, String[]::new, Message::siteId),
                        column(messages, String[]::new, Message::sessionId),
                        column(messages, String[]::new, Message::userId),
                        column(messages, String[]::new, Message::pageUrl),
                        column(messages, String[]::new, Message::role),
                        column(messages, String[]::new, Message::content),
                        column(messages, String[]::new, m -> m.timestamp().toString()),
                        column(messages, String[]::new, Message::rawJsonOutput),
                        column(messages, String[]::new, Message::lang),
                        column(messages, Double[]::new, Message::answerConfidence),
                        column(messages, String[]::new, Message::intent),
                        column(messages, Integer[]::new, Message::tokensUsed),
                        column(messages, String[]::new, Message::userSentiment),
                        column(messages, Boolean[]::new, Message::complianceRedFlag),
                        column(messages, String[]::new, Message::ipHash))
                .update();
    }

    /** One field of every message, as the array {@code unnest} takes for its column. */
    private static <V> V[] column(List<Message> messages, IntFunction<V[]> array, Function<Message, V> field) {
        var values = array.apply(messages.size());
        for (int i = 0; i < values.length; i++) {
            values[i] = field.apply(messages.get(i));
        }
        return values;
    }

    List<Conversation> conversations(String siteId, int page, int size) {
        return jdbc.sql("""
                        SELECT session_id, min("timestamp") AS first_at, max("timestamp") AS last_at, count(*) AS n,
                               mode() WITHIN GROUP (ORDER BY lang) AS lang
                        FROM chat_history WHERE site_id = :siteId
                        GROUP BY session_id ORDER BY max("timestamp") DESC, session_id
                        LIMIT :size OFFSET :offset
                        """)
                .param("siteId", siteId)
                .param("size", size)
                .param("offset", (long) page * size)
                .query((rs, row) -> new Conversation(
                        rs.getString("session_id"),
                        rs.getTimestamp("first_at").toInstant(),
                        rs.getTimestamp("last_at").toInstant(),
                        rs.getLong("n"),
                        rs.getString("lang")))
                .list();
    }

    long conversationCount(String siteId) {
        return jdbc.sql("SELECT count(DISTINCT session_id) FROM chat_history WHERE site_id = :siteId")
                .param("siteId", siteId)
                .query(Long.class)
                .single();
    }

    List<Message> conversation(String siteId, String sessionId) {
        return jdbc.sql("""
                        SELECT id, site_id, session_id, user_id, page_url, role, content, "timestamp",
                               raw_json_output::text AS raw, lang, answer_confidence, intent, tokens_used,
                               user_sentiment, compliance_red_flag, ip_hash
                        FROM chat_history WHERE site_id = :siteId AND session_id = :sessionId
                        ORDER BY "timestamp", CASE role WHEN 'user' THEN 0 ELSE 1 END, id
                        """)
                .param("siteId", siteId)
                .param("sessionId", sessionId)
                .query((rs, row) -> new Message(
                        rs.getObject("id", UUID.class),
                        rs.getString("site_id"),
                        rs.getString("session_id"),
                        rs.getString("user_id"),
                        rs.getString("page_url"),
                        rs.getString("role"),
                        rs.getString("content"),
                        rs.getTimestamp("timestamp").toInstant(),
                        rs.getString("raw"),
                        rs.getString("lang"),
                        rs.getObject("answer_confidence") == null ? null : rs.getDouble("answer_confidence"),
                        rs.getString("intent"),
                        (Integer) rs.getObject("tokens_used"),
                        rs.getString("user_sentiment"),
                        rs.getBoolean("compliance_red_flag"),
                        rs.getString("ip_hash")))
                .list();
    }

    int deleteConversation(String siteId, String sessionId) {
        return jdbc.sql("DELETE FROM chat_history WHERE site_id = :siteId AND session_id = :sessionId")
                .param("siteId", siteId)
                .param("sessionId", sessionId)
                .update();
    }
}
