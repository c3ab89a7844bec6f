package com.helloyuno.chat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
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
        var args = new ArrayList<@Nullable Object>(messages.size() * COLUMNS);
        for (var m : messages) {
            args.add(m.id());
            args.add(m.siteId());
            args.add(m.sessionId());
            args.add(m.userId());
            args.add(m.pageUrl());
            args.add(m.role());
            args.add(m.content());
            args.add(Timestamp.from(m.timestamp()));
            args.add(m.rawJsonOutput());
            args.add(m.lang());
            args.add(m.answerConfidence());
            args.add(m.intent());
            args.add(m.tokensUsed());
            args.add(m.userSentiment());
            args.add(m.complianceRedFlag());
            args.add(m.ipHash());
        }
        jdbc.sql(insertSql(messages.size())).params(args).update();
    }

    private static final int COLUMNS = 16;

    /** The statements of one and two rows (a turn), made once: formatting them was a cost of every turn. */
    private static final String[] INSERT_SQL = {insertSqlOf(1), insertSqlOf(2)};

    private static String insertSql(int rows) {
        return rows <= INSERT_SQL.length ? INSERT_SQL[rows - 1] : insertSqlOf(rows);
    }

    private static String insertSqlOf(int rows) {
        // Typed casts: an untyped NULL in a VALUES list would be taken as text.
        var row = """
                (CAST(? AS uuid), CAST(? AS varchar), CAST(? AS varchar), CAST(? AS varchar), CAST(? AS text),
                 CAST(? AS varchar), CAST(? AS text), CAST(? AS timestamptz), CAST(? AS jsonb), CAST(? AS varchar),
                 CAST(? AS real), CAST(? AS varchar), CAST(? AS integer), CAST(? AS varchar), CAST(? AS boolean),
                 CAST(? AS varchar))""";
        return """
                INSERT INTO chat_history (id, site_id, session_id, user_id, page_url, role, content, "timestamp",
                       raw_json_output, lang, answer_confidence, intent, tokens_used, user_sentiment,
                       compliance_red_flag, ip_hash)
                SELECT v.* FROM (VALUES
                %s
                ) AS v
                WHERE EXISTS (SELECT 1 FROM sites s WHERE s.site_id = v.column2)
                ON CONFLICT (id) DO NOTHING
                """.formatted(String.join(",\n", java.util.Collections.nCopies(rows, row)));
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
