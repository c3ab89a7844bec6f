package com.helloyuno.lead;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code leads} table: one row per visitor session (a unique index on site and session), and
 * form leads without a session.
 */
@Repository
class Leads {

    private static final String COLUMNS =
            "id, site_id, session_id, name, email, phone, message, intent, source, created_at, updated_at";

    /**
     * New information wins, and what is not said again is kept: a field the new lead leaves null
     * keeps its stored value.
     */
    private static final String MERGE = """
            name = COALESCE(EXCLUDED.name, leads.name),
            email = COALESCE(EXCLUDED.email, leads.email),
            phone = COALESCE(EXCLUDED.phone, leads.phone),
            intent = COALESCE(EXCLUDED.intent, leads.intent),
            message = COALESCE(EXCLUDED.message, leads.message),
            updated_at = now()
            """;

    /**
     * A chat lead's message is the visitor's message that carried the newest details, unless the
     * visitor wrote one in the form: their own words are kept.
     */
    private static final String CHAT_MERGE = MERGE.replace(
            "message = COALESCE(EXCLUDED.message, leads.message)",
            "message = CASE WHEN leads.source = 'form' AND leads.message IS NOT NULL THEN leads.message"
                    + " ELSE COALESCE(EXCLUDED.message, leads.message) END");

    /** What an upsert did: the lead's id, and whether the row was created (or changed). */
    record Written(UUID id, boolean created) {}

    private final JdbcClient jdbc;
    private final RowMapper<Lead> rowMapper = Leads::map;

    Leads(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Creates or completes the session's lead from a conversation. Empty when the lead was there
     * already with nothing new to add.
     */
    Optional<Written> upsertChatLead(String siteId, String sessionId, ChatLead lead, @Nullable String message) {
        // INSERT ... SELECT ... WHERE EXISTS: a lead that waited in the spool for a site deleted
        // meanwhile is dropped, as the deletion would have dropped it, instead of failing its key.
        return jdbc.sql("""
                        INSERT INTO leads (site_id, session_id, name, email, phone, intent, message, source)
                        SELECT :siteId, :sessionId, :name, :email, :phone, :intent, :message, 'chat'
                        WHERE EXISTS (SELECT 1 FROM sites WHERE site_id = :siteId)
                        ON CONFLICT (site_id, session_id) WHERE session_id IS NOT NULL DO UPDATE SET
                        """ + CHAT_MERGE + """
                        WHERE (EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM leads.name)
                           OR (EXCLUDED.email IS NOT NULL AND EXCLUDED.email IS DISTINCT FROM leads.email)
                           OR (EXCLUDED.phone IS NOT NULL AND EXCLUDED.phone IS DISTINCT FROM leads.phone)
                           OR (EXCLUDED.intent IS NOT NULL AND EXCLUDED.intent IS DISTINCT FROM leads.intent)
                        RETURNING id, (xmax = 0) AS created
                        """)
                .param("siteId", siteId)
                .param("sessionId", sessionId)
                .param("name", lead.name())
                .param("email", lead.email())
                .param("phone", lead.phone())
                .param("intent", lead.intent())
                .param("message", message)
                .query(Leads::written)
                .optional();
    }

    /** The lead, as it is now. */
    Optional<Lead> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM leads WHERE id = :id")
                .param("id", id)
                .query(rowMapper)
                .optional();
    }

    private static Written written(ResultSet rs, int row) throws SQLException {
        return new Written(rs.getObject("id", UUID.class), rs.getBoolean("created"));
    }

    /** The id of the session's lead, if it has one. */
    Optional<UUID> findId(String siteId, String sessionId) {
        return jdbc.sql("SELECT id FROM leads WHERE site_id = :siteId AND session_id = :sessionId")
                .param("siteId", siteId)
                .param("sessionId", sessionId)
                .query(UUID.class)
                .optional();
    }

    /**
     * Stores a form lead under the id given. With a session it merges into the session's lead (the
     * visitor's own words win; the session's lead keeps its id) and marks it as from the form;
     * without one it is a new row. Replaying it (from the spool) changes nothing, and a lead for a
     * site deleted meanwhile is dropped.
     *
     * @return what was written; empty when nothing was (a replay without session, a deleted site)
     */
    Optional<Written> insertFormLead(
            UUID id,
            String siteId,
            @Nullable String sessionId,
            @Nullable String name,
            @Nullable String email,
            @Nullable String phone,
            @Nullable String message) {
        var sql = sessionId == null ? """
                        INSERT INTO leads (id, site_id, name, email, phone, message, source)
                        SELECT :id, :siteId, :name, :email, :phone, :message, 'form'
                        WHERE EXISTS (SELECT 1 FROM sites WHERE site_id = :siteId)
                        ON CONFLICT (id) DO NOTHING
                        RETURNING id, true AS created
                        """ : """
                        INSERT INTO leads (id, site_id, session_id, name, email, phone, message, source)
                        SELECT :id, :siteId, :sessionId, :name, :email, :phone, :message, 'form'
                        WHERE EXISTS (SELECT 1 FROM sites WHERE site_id = :siteId)
                        ON CONFLICT (site_id, session_id) WHERE session_id IS NOT NULL DO UPDATE SET
                        """ + MERGE + """
                        , source = 'form'
                        RETURNING id, (xmax = 0) AS created
                        """;
        var statement = jdbc.sql(sql)
                .param("id", id)
                .param("siteId", siteId)
                .param("name", name)
                .param("email", email)
                .param("phone", phone)
                .param("message", message);
        if (sessionId != null) {
            statement = statement.param("sessionId", sessionId);
        }
        return statement.query(Leads::written).optional();
    }

    /** A page of a site's leads, newest first. */
    List<Lead> page(String siteId, int page, int size) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM leads WHERE site_id = :siteId"
                        + " ORDER BY created_at DESC, id DESC LIMIT :size OFFSET :offset")
                .param("siteId", siteId)
                .param("size", size)
                .param("offset", (long) page * size)
                .query(rowMapper)
                .list();
    }

    /** The leads that come after {@code after} in the newest-first order, for exports in batches. */
    List<Lead> batchAfter(String siteId, @Nullable Lead after, int size) {
        if (after == null) {
            return page(siteId, 0, size);
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM leads WHERE site_id = :siteId"
                        + " AND (created_at, id) < (:createdAt, :id)"
                        + " ORDER BY created_at DESC, id DESC LIMIT :size")
                .param("siteId", siteId)
                .param("createdAt", OffsetDateTime.ofInstant(after.createdAt(), java.time.ZoneOffset.UTC))
                .param("id", after.leadId())
                .param("size", size)
                .query(rowMapper)
                .list();
    }

    long count(String siteId) {
        return jdbc.sql("SELECT count(*) FROM leads WHERE site_id = :siteId")
                .param("siteId", siteId)
                .query(Long.class)
                .single();
    }

    Set<String> sessionsWithLeads(String siteId, Collection<String> sessionIds) {
        if (sessionIds.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(jdbc.sql("SELECT DISTINCT session_id FROM leads WHERE site_id = :siteId"
                        + " AND session_id = ANY (:sessionIds)")
                .param("siteId", siteId)
                .param("sessionIds", sessionIds.toArray(String[]::new))
                .query(String.class)
                .list());
    }

    int deleteSession(String siteId, String sessionId) {
        return jdbc.sql("DELETE FROM leads WHERE site_id = :siteId AND session_id = :sessionId")
                .param("siteId", siteId)
                .param("sessionId", sessionId)
                .update();
    }

    private static Lead map(ResultSet rs, int row) throws SQLException {
        return new Lead(
                rs.getObject("id", UUID.class),
                rs.getString("site_id"),
                rs.getString("session_id"),
                rs.getString("name"),
                rs.getString("email"),
                rs.getString("phone"),
                rs.getString("message"),
                rs.getString("intent"),
                rs.getString("source"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
