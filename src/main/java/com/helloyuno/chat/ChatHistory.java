package com.helloyuno.chat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
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
     * Inserts the messages in one statement (a turn's two rows in one round trip and one
     * transaction: both or neither); a message already stored (same id) is left alone, so replays
     * are harmless, and so are messages of a site deleted meanwhile.
     */
    void insert(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        var sql = new StringBuilder("""
                INSERT INTO chat_history (id, site_id, session_id, user_id, page_url, role, content, "timestamp",
                       raw_json_output, lang, answer_confidence, intent, tokens_used, user_sentiment,
                       compliance_red_flag, ip_hash)
                SELECT v.* FROM (VALUES
                """);
        var params = new java.util.HashMap<String, Object>();
        for (int i = 0; i < messages.size(); i++) {
            var m = messages.get(i);
            // Typed casts: an untyped NULL in a VALUES list would be taken as text.
            sql.append(i == 0 ? "" : ",\n")
                    .append("(CAST(:id%1$d AS uuid), CAST(:site%1$d AS varchar), CAST(:session%1$d AS varchar),"
                            .formatted(i))
                    .append(" CAST(:user%1$d AS varchar), CAST(:page%1$d AS text), CAST(:role%1$d AS varchar),"
                            .formatted(i))
                    .append(" CAST(:content%1$d AS text), CAST(:ts%1$d AS timestamptz), CAST(:raw%1$d AS jsonb),"
                            .formatted(i))
                    .append(" CAST(:lang%1$d AS varchar), CAST(:confidence%1$d AS real), CAST(:intent%1$d AS varchar),"
                            .formatted(i))
                    .append(" CAST(:tokens%1$d AS integer), CAST(:sentiment%1$d AS varchar),".formatted(i))
                    .append(" CAST(:flag%1$d AS boolean), CAST(:ip%1$d AS varchar))".formatted(i));
            params.put("id" + i, m.id());
            params.put("site" + i, m.siteId());
            params.put("session" + i, m.sessionId());
            params.put("user" + i, m.userId());
            params.put("page" + i, m.pageUrl());
            params.put("role" + i, m.role());
            params.put("content" + i, m.content());
            params.put("ts" + i, Timestamp.from(m.timestamp()));
            params.put("raw" + i, m.rawJsonOutput());
            params.put("lang" + i, m.lang());
            params.put("confidence" + i, m.answerConfidence());
            params.put("intent" + i, m.intent());
            params.put("tokens" + i, m.tokensUsed());
            params.put("sentiment" + i, m.userSentiment());
            params.put("flag" + i, m.complianceRedFlag());
            params.put("ip" + i, m.ipHash());
        }
        sql.append("""

                ) AS v
                WHERE EXISTS (SELECT 1 FROM sites s WHERE s.site_id = v.column2)
                ON CONFLICT (id) DO NOTHING
                """);
        jdbc.sql(sql.toString()).params(params).update();
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
