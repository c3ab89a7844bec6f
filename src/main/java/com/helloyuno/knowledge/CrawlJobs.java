package com.helloyuno.knowledge;

import java.sql.Array;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Crawl jobs in PostgreSQL, the queue every instance takes them from: a job is claimed with {@code
 * FOR UPDATE SKIP LOCKED}, owned by one instance that keeps its heartbeat fresh, and any instance
 * puts a running job whose heartbeat went stale back in the queue (or fails it after
 * {@code max-attempts} starts).
 */
@Repository
class CrawlJobs {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<Map<String, Object>>> ERRORS = new TypeReference<>() {};

    private final JdbcClient jdbc;

    CrawlJobs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A job this instance took; {@code attempt} tells this start from an earlier one of the same
     * job, so that a crawl whose job was taken back and started again cannot write over the new one.
     */
    record Claimed(UUID id, String siteId, String url, int maxPages, AllowedHosts hosts, int attempt) {}

    UUID create(String siteId, String url, int maxPages, AllowedHosts hosts) {
        var id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO crawl_jobs (id, site_id, url, max_pages, allowed_hosts, allow_subdomains)
                        VALUES (?, ?, ?, ?, ?, ?)""")
                .params(id, siteId, url, maxPages, hosts.hosts().toArray(String[]::new), hosts.allowSubdomains())
                .update();
        return id;
    }

    /** A job as its owner sees it, its errors read from their JSON column. */
    Optional<Crawls.Status> find(String siteId, UUID id) {
        return jdbc.sql("""
                        SELECT id, url, max_pages, status, pages_total, pages_done, chunks, errors::text AS errors,
                               created_at, started_at, finished_at
                        FROM crawl_jobs WHERE site_id = ? AND id = ?""")
                .params(siteId, id)
                .query((rs, n) -> new Crawls.Status(
                        rs.getObject("id", UUID.class),
                        rs.getString("url"),
                        rs.getInt("max_pages"),
                        rs.getString("status"),
                        rs.getInt("pages_total"),
                        rs.getInt("pages_done"),
                        rs.getInt("chunks"),
                        JSON.readValue(rs.getString("errors"), ERRORS),
                        rs.getTimestamp("created_at").toInstant(),
                        instant(rs.getTimestamp("started_at")),
                        instant(rs.getTimestamp("finished_at"))))
                .optional();
    }

    /** Takes the oldest queued job for this instance, if any; its progress starts again from zero. */
    Optional<Claimed> claim(String owner) {
        return jdbc.sql("""
                        UPDATE crawl_jobs SET status = 'running', owner = ?, heartbeat_at = now(),
                               started_at = now(), finished_at = NULL, attempts = attempts + 1,
                               pages_total = 0, pages_done = 0, chunks = 0, errors = '[]'::jsonb
                        WHERE id = (SELECT id FROM crawl_jobs WHERE status = 'queued'
                                    ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
                        RETURNING id, site_id, url, max_pages, allowed_hosts, allow_subdomains, attempts""")
                .params(owner)
                .query((rs, n) -> new Claimed(
                        rs.getObject("id", UUID.class),
                        rs.getString("site_id"),
                        rs.getString("url"),
                        rs.getInt("max_pages"),
                        new AllowedHosts(strings(rs.getArray("allowed_hosts")), rs.getBoolean("allow_subdomains")),
                        rs.getInt("attempts")))
                .optional();
    }

    /**
     * Records progress and proves the owner alive; false when the job is no longer this
     * instance's (another one failed it as stale), and the crawl must stop.
     */
    boolean progress(Claimed job, String owner, int total, int done, int chunks, List<Map<String, Object>> newErrors) {
        return jdbc.sql("""
                        UPDATE crawl_jobs SET pages_total = ?, pages_done = ?, chunks = ?,
                               errors = errors || ?::jsonb, heartbeat_at = now()
                        WHERE id = ? AND owner = ? AND attempts = ? AND status = 'running'""")
                        .params(total, done, chunks, JSON.writeValueAsString(newErrors), job.id(), owner, job.attempt())
                        .update()
                > 0;
    }

    void finish(Claimed job, String owner, String status, List<Map<String, Object>> newErrors) {
        jdbc.sql("""
                        UPDATE crawl_jobs SET status = ?, finished_at = now(), heartbeat_at = now(),
                               errors = errors || ?::jsonb
                        WHERE id = ? AND owner = ? AND attempts = ? AND status = 'running'""")
                .params(status, JSON.writeValueAsString(newErrors), job.id(), owner, job.attempt())
                .update();
    }

    void heartbeat(String owner) {
        jdbc.sql("UPDATE crawl_jobs SET heartbeat_at = now() WHERE owner = ? AND status = 'running'")
                .params(owner)
                .update();
    }

    /** What became of running jobs whose instance stopped saying it is alive. */
    record Recovered(List<UUID> requeued, List<UUID> failed) {}

    /**
     * Puts the running jobs whose instance stopped saying it is alive back in the queue, to be
     * crawled again from the start (a re-crawl only rewrites pages that changed), unless they have
     * been started {@code maxAttempts} times: those are failed.
     */
    Recovered recoverStale(Duration staleAfter, int maxAttempts) {
        var error = JSON.writeValueAsString(List.of(Map.of(
                "error",
                "The instance running this crawl stopped before it finished, " + maxAttempts
                        + " times; start the crawl again.")));
        // One statement, so that a job is queued or failed by the same reading of its attempts.
        var outcomes = jdbc.sql("""
                        UPDATE crawl_jobs
                        SET status = CASE WHEN attempts < :max THEN 'queued' ELSE 'failed' END,
                            owner = CASE WHEN attempts < :max THEN NULL ELSE owner END,
                            heartbeat_at = CASE WHEN attempts < :max THEN NULL ELSE heartbeat_at END,
                            finished_at = CASE WHEN attempts < :max THEN NULL ELSE now() END,
                            errors = CASE WHEN attempts < :max THEN errors ELSE errors || CAST(:error AS jsonb) END
                        WHERE status = 'running'
                          AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => :stale))
                        RETURNING id, status""")
                .param("max", maxAttempts)
                .param("error", error)
                .param("stale", staleAfter.toMillis() / 1000.0)
                .query((rs, n) -> Map.entry(rs.getObject("id", UUID.class), rs.getString("status")))
                .list();
        return new Recovered(
                outcomes.stream()
                        .filter(o -> o.getValue().equals("queued"))
                        .map(Map.Entry::getKey)
                        .toList(),
                outcomes.stream()
                        .filter(o -> o.getValue().equals("failed"))
                        .map(Map.Entry::getKey)
                        .toList());
    }

    /**
     * Gives this instance's running jobs back to the queue, for another instance (or this one) to
     * run again. The start it interrupted still counts: an instance stopped because a page made it
     * unhealthy must not give that page endless new starts.
     */
    int requeue(String owner) {
        return jdbc.sql("""
                        UPDATE crawl_jobs SET status = 'queued', owner = NULL, heartbeat_at = NULL
                        WHERE owner = ? AND status = 'running'""").params(owner).update();
    }

    private static Set<String> strings(@Nullable Array array) throws SQLException {
        if (array == null) {
            return Set.of();
        }
        return Set.copyOf(java.util.Arrays.asList((String[]) array.getArray()));
    }

    private static @Nullable Instant instant(java.sql.@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
