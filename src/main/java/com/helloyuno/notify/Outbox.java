package com.helloyuno.notify;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code outbox} and {@code outbox_attempts} tables. Rows are claimed for a lease with {@code
 * FOR UPDATE SKIP LOCKED} in a statement of their own, so that no transaction is open while a
 * delivery is sent, and instances never wait for each other's rows.
 */
@Repository
class Outbox {

    private static final String COLUMNS = "id, event_id, channel, site_id, event_type, status, attempts,"
            + " next_attempt_at, last_status_code, last_error, created_at, delivered_at, locked_until";

    /** A row as the owner API shows it. */
    record Delivery(
            UUID id,
            UUID eventId,
            Channel channel,
            String siteId,
            String eventType,
            String status,
            int attempts,
            Instant nextAttemptAt,
            @Nullable Integer lastStatusCode,
            @Nullable String lastError,
            Instant createdAt,
            @Nullable Instant deliveredAt,
            @Nullable Instant lockedUntil) {}

    /** A row claimed by this instance, with what it sends. */
    record Claimed(
            UUID id,
            UUID eventId,
            Channel channel,
            String siteId,
            String eventType,
            String payload,
            int attempts,
            Instant retryUntil) {}

    /** One attempt, as recorded. */
    record Attempt(
            Instant attemptedAt,
            int durationMs,
            @Nullable Integer statusCode,
            @Nullable String error) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    Outbox(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * Adds an event for one channel, in the caller's transaction. Nothing when that event is there
     * already for the channel (a replayed write), or the site is gone.
     *
     * @return the row's id when it was added
     */
    Optional<UUID> insert(
            UUID eventId, Channel channel, String siteId, String eventType, String payload, Duration retryFor) {
        return jdbc.sql("""
                        INSERT INTO outbox (event_id, channel, site_id, event_type, payload, retry_until)
                        SELECT :eventId, :channel, :siteId, :eventType, CAST(:payload AS jsonb),
                               now() + make_interval(secs => :retryFor)
                        WHERE EXISTS (SELECT 1 FROM sites WHERE site_id = :siteId)
                        ON CONFLICT (event_id, channel) DO NOTHING
                        RETURNING id
                        """)
                .param("eventId", eventId)
                .param("channel", channel.wireName())
                .param("siteId", siteId)
                .param("eventType", eventType)
                .param("payload", payload)
                .param("retryFor", (double) retryFor.toSeconds())
                .query(UUID.class)
                .optional();
    }

    /** Claims due rows for {@code lease}: rows claimed by an instance whose lease ran out are due again. */
    List<Claimed> claim(String owner, Duration lease, int limit) {
        return jdbc.sql("""
                        UPDATE outbox o SET locked_by = :owner,
                                            locked_until = now() + make_interval(secs => :lease)
                        FROM (SELECT id FROM outbox
                              WHERE status = 'pending' AND next_attempt_at <= now()
                                AND (locked_until IS NULL OR locked_until < now())
                              ORDER BY next_attempt_at
                              LIMIT :limit
                              FOR UPDATE SKIP LOCKED) due
                        WHERE o.id = due.id
                        RETURNING o.id, o.event_id, o.channel, o.site_id, o.event_type, o.payload::text AS payload,
                                  o.attempts, o.retry_until
                        """)
                .param("owner", owner)
                .param("lease", (double) lease.toMillis() / 1000)
                .param("limit", limit)
                .query((rs, row) -> new Claimed(
                        rs.getObject("id", UUID.class),
                        rs.getObject("event_id", UUID.class),
                        Channel.fromWireName(rs.getString("channel")),
                        rs.getString("site_id"),
                        rs.getString("event_type"),
                        rs.getString("payload"),
                        rs.getInt("attempts"),
                        instant(rs, "retry_until")))
                .list();
    }

    /**
     * Records an attempt and its outcome in one transaction, and ends the claim. The outcome is
     * kept only while this instance still holds the row (a redelivery or another instance after a
     * lost lease may have it now); the attempt is recorded regardless.
     *
     * @param status {@code pending} (with {@code nextAttemptAt}), {@code delivered} or {@code failed}
     */
    void record(
            UUID id,
            String owner,
            String status,
            Instant nextAttemptAt,
            int durationMs,
            @Nullable Integer statusCode,
            @Nullable String error) {
        transactions.executeWithoutResult(tx -> {
            jdbc.sql("""
                            UPDATE outbox SET status = :status, attempts = attempts + 1,
                                   next_attempt_at = :nextAttemptAt, last_status_code = :statusCode,
                                   last_error = :error, locked_by = NULL, locked_until = NULL,
                                   delivered_at = CASE WHEN :status = 'delivered' THEN now() END,
                                   updated_at = now()
                            WHERE id = :id AND locked_by = :owner
                            """)
                    .param("id", id)
                    .param("owner", owner)
                    .param("status", status)
                    .param("nextAttemptAt", OffsetDateTime.ofInstant(nextAttemptAt, java.time.ZoneOffset.UTC))
                    .param("statusCode", statusCode)
                    .param("error", error)
                    .update();
            jdbc.sql("""
                            INSERT INTO outbox_attempts (outbox_id, duration_ms, status_code, error, instance)
                            SELECT :id, :durationMs, :statusCode, :error, :owner
                            WHERE EXISTS (SELECT 1 FROM outbox WHERE id = :id)
                            """)
                    .param("id", id)
                    .param("durationMs", durationMs)
                    .param("statusCode", statusCode)
                    .param("error", error)
                    .param("owner", owner)
                    .update();
        });
    }

    /** Gives back this instance's claims (at shutdown): they are due again at once, elsewhere. */
    int release(String owner) {
        return jdbc.sql("UPDATE outbox SET locked_by = NULL, locked_until = NULL WHERE locked_by = :owner")
                .param("owner", owner)
                .update();
    }

    /**
     * Makes a delivery due now, with a fresh retry window; refused (false) while an attempt is in
     * flight.
     */
    boolean redeliver(String siteId, UUID id, Duration retryFor) {
        return jdbc.sql("""
                                UPDATE outbox SET status = 'pending', next_attempt_at = now(),
                                       retry_until = now() + make_interval(secs => :retryFor), updated_at = now()
                                WHERE id = :id AND site_id = :siteId
                                  AND (locked_until IS NULL OR locked_until < now())
                                """)
                        .param("id", id)
                        .param("siteId", siteId)
                        .param("retryFor", (double) retryFor.toSeconds())
                        .update()
                == 1;
    }

    Optional<Delivery> find(String siteId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM outbox WHERE id = :id AND site_id = :siteId")
                .param("id", id)
                .param("siteId", siteId)
                .query(Outbox::delivery)
                .optional();
    }

    /** A page of a site's deliveries, newest first. */
    List<Delivery> page(String siteId, int page, int size) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM outbox WHERE site_id = :siteId"
                        + " ORDER BY created_at DESC, id DESC LIMIT :size OFFSET :offset")
                .param("siteId", siteId)
                .param("size", size)
                .param("offset", (long) page * size)
                .query(Outbox::delivery)
                .list();
    }

    long count(String siteId) {
        return jdbc.sql("SELECT count(*) FROM outbox WHERE site_id = :siteId")
                .param("siteId", siteId)
                .query(Long.class)
                .single();
    }

    List<Attempt> attempts(UUID id) {
        return jdbc.sql("SELECT attempted_at, duration_ms, status_code, error FROM outbox_attempts"
                        + " WHERE outbox_id = :id ORDER BY id")
                .param("id", id)
                .query((rs, row) -> new Attempt(
                        instant(rs, "attempted_at"),
                        rs.getInt("duration_ms"),
                        (Integer) rs.getObject("status_code"),
                        rs.getString("error")))
                .list();
    }

    private static Delivery delivery(ResultSet rs, int row) throws SQLException {
        var delivered = rs.getObject("delivered_at", OffsetDateTime.class);
        var locked = rs.getObject("locked_until", OffsetDateTime.class);
        return new Delivery(
                rs.getObject("id", UUID.class),
                rs.getObject("event_id", UUID.class),
                Channel.fromWireName(rs.getString("channel")),
                rs.getString("site_id"),
                rs.getString("event_type"),
                rs.getString("status"),
                rs.getInt("attempts"),
                instant(rs, "next_attempt_at"),
                (Integer) rs.getObject("last_status_code"),
                rs.getString("last_error"),
                instant(rs, "created_at"),
                delivered == null ? null : delivered.toInstant(),
                locked == null ? null : locked.toInstant());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
