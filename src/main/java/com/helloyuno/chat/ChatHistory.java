package com.helloyuno.chat;

import io.swagger.v3.oas.annotations.media.Schema;
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

    @Schema(name = "ConversationSummary")
    record Conversation(String sessionId, Instant firstMessageAt, Instant lastMessageAt, long messageCount) {}

    private final JdbcClient jdbc;

    ChatHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the messages; a message already stored (same id) is left alone, so replays are harmless. */
    void insert(List<Message> messages) {
        for (var m : messages) {
            jdbc.sql("""
                            INSERT INTO chat_history (id, site_id, session_id, user_id, page_url, role, content,
                                   "timestamp", raw_json_output, lang, answer_confidence, intent, tokens_used,
                                   user_sentiment, compliance_red_flag, ip_hash)
                            SELECT :id, :siteId, :sessionId, :userId, :pageUrl, :role, :content, :timestamp,
                                   CAST(:raw AS jsonb), :lang, :confidence, :intent, :tokens, :sentiment, :flag, :ipHash
                            WHERE EXISTS (SELECT 1 FROM sites WHERE site_id = :siteId)
                            ON CONFLICT (id) DO NOTHING
                            """)
                    .param("id", m.id())
                    .param("siteId", m.siteId())
                    .param("sessionId", m.sessionId())
                    .param("userId", m.userId())
                    .param("pageUrl", m.pageUrl())
                    .param("role", m.role())
                    .param("content", m.content())
                    .param("timestamp", Timestamp.from(m.timestamp()))
                    .param("raw", m.rawJsonOutput())
                    .param("lang", m.lang())
                    .param("confidence", m.answerConfidence())
                    .param("intent", m.intent())
                    .param("tokens", m.tokensUsed())
                    .param("sentiment", m.userSentiment())
                    .param("flag", m.complianceRedFlag())
                    .param("ipHash", m.ipHash())
                    .update();
        }
    }

    List<Conversation> conversations(String siteId, int page, int size) {
        return jdbc.sql("""
                        SELECT session_id, min("timestamp") AS first_at, max("timestamp") AS last_at, count(*) AS n
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
                        rs.getLong("n")))
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
