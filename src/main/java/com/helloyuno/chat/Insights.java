package com.helloyuno.chat;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What a site's stored answers say over a period, for the owner's insights: answers and tokens
 * per day (UTC), answers per intent and per sentiment, and the questions answered with low
 * confidence or without any passage, which are what the knowledge base is missing. Read from
 * {@code chat_history}'s assistant rows, which carry the turn's classification and its sources.
 */
@Repository
class Insights {

    @Schema(name = "Insights")
    record Body(
            @Schema(description = "The first day covered (UTC)")
            LocalDate since,

            @Schema(description = "Every day from since to today, oldest first")
            List<Day> days,

            @Schema(description = "Answers per stored intent, most first; unclassified ones as 'unclassified'")
            List<Count> intents,

            @Schema(description = "Answers per visitor sentiment, most first; unclassified ones as 'unclassified'")
            List<Count> sentiments,

            @Schema(description = "The confidence below which an answer is listed among the gaps")
            double lowConfidence,

            @Schema(description = "Recent questions answered with low confidence or without passages, newest first")
            List<Gap> gaps) {}

    @Schema(name = "InsightDay")
    record Day(LocalDate date, long answers, long tokens) {}

    @Schema(name = "InsightCount")
    record Count(String name, long count) {}

    @Schema(name = "InsightGap")
    record Gap(
            @Schema(format = "uuid", description = "The answer's message id")
            String messageId,

            String sessionId,
            @Schema(description = "The visitor's question") String question,
            Instant askedAt,
            @Nullable Double answerConfidence,

            @Schema(description = "Passages the answer was given; absent when not recorded") @Nullable
            Integer sources) {}

    private static final String UNCLASSIFIED = "unclassified";

    private final JdbcClient jdbc;

    Insights(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Body of(String siteId, int days, double lowConfidence, int maxGaps, Instant now) {
        var today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        var since = today.minusDays(days - 1L);
        var from = since.atStartOfDay(ZoneOffset.UTC).toInstant();
        var perDay = new HashMap<LocalDate, Day>();
        jdbc.sql("""
                        SELECT ("timestamp" AT TIME ZONE 'UTC')::date AS day, count(*) AS answers,
                               coalesce(sum(tokens_used), 0) AS tokens
                        FROM chat_history
                        WHERE site_id = :siteId AND role = 'assistant' AND "timestamp" >= :from
                        GROUP BY 1
                        """)
                .param("siteId", siteId)
                .param("from", java.sql.Timestamp.from(from))
                .query((rs, row) ->
                        new Day(rs.getObject("day", LocalDate.class), rs.getLong("answers"), rs.getLong("tokens")))
                .list()
                .forEach(d -> perDay.put(d.date(), d));
        var series = new ArrayList<Day>(days);
        for (var day = since; !day.isAfter(today); day = day.plusDays(1)) {
            series.add(perDay.getOrDefault(day, new Day(day, 0, 0)));
        }
        return new Body(
                since,
                series,
                counts(siteId, "intent", from),
                counts(siteId, "user_sentiment", from),
                lowConfidence,
                gaps(siteId, from, lowConfidence, maxGaps));
    }

    private List<Count> counts(String siteId, String column, Instant from) {
        // column is one of two constants above, never a caller's text.
        // An empty label (a classifier that gave none) counts as unclassified too.
        return jdbc.sql("SELECT coalesce(nullif(" + column + ", ''), '" + UNCLASSIFIED + "') AS name, count(*) AS n"
                        + " FROM chat_history WHERE site_id = :siteId AND role = 'assistant'"
                        + " AND \"timestamp\" >= :from GROUP BY 1 ORDER BY 2 DESC, 1")
                .param("siteId", siteId)
                .param("from", java.sql.Timestamp.from(from))
                .query((rs, row) -> new Count(rs.getString("name"), rs.getLong("n")))
                .list();
    }

    private List<Gap> gaps(String siteId, Instant from, double lowConfidence, int maxGaps) {
        return jdbc.sql("""
                        SELECT a.id, a.session_id, a."timestamp", a.answer_confidence, q.content AS question,
                               CASE WHEN jsonb_typeof(a.raw_json_output -> 'sources') = 'array'
                                    THEN jsonb_array_length(a.raw_json_output -> 'sources') END AS sources
                        FROM chat_history a
                        CROSS JOIN LATERAL (
                            SELECT u.content FROM chat_history u
                            WHERE u.site_id = a.site_id AND u.session_id = a.session_id AND u.role = 'user'
                              AND u."timestamp" <= a."timestamp"
                            ORDER BY u."timestamp" DESC LIMIT 1) q
                        WHERE a.site_id = :siteId AND a.role = 'assistant' AND a."timestamp" >= :from
                          AND (a.answer_confidence < :low
                               OR (jsonb_typeof(a.raw_json_output -> 'sources') = 'array'
                                   AND jsonb_array_length(a.raw_json_output -> 'sources') = 0))
                        ORDER BY a."timestamp" DESC, a.id
                        LIMIT :limit
                        """)
                .param("siteId", siteId)
                .param("from", java.sql.Timestamp.from(from))
                .param("low", lowConfidence)
                .param("limit", maxGaps)
                .query((rs, row) -> new Gap(
                        rs.getObject("id", UUID.class).toString(),
                        rs.getString("session_id"),
                        rs.getString("question"),
                        rs.getTimestamp("timestamp").toInstant(),
                        rs.getObject("answer_confidence") == null ? null : rs.getDouble("answer_confidence"),
                        (Integer) rs.getObject("sources")))
                .list();
    }
}
