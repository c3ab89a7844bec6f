package com.helloyuno.knowledge;

import io.swagger.v3.oas.annotations.media.Schema;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** Documents and their chunks in PostgreSQL; every statement names the site. */
@Repository
class Documents {

    /** Chunks written by one INSERT: a 2,000-chunk document (the default maximum) in four. */
    private static final int CHUNK_ROWS = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    Documents(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** A stored document as listed to its owner. */
    @Schema(name = "Document")
    record Row(
            UUID documentId,
            @Nullable String title,
            @Nullable String url,
            String contentType,

            @Schema(allowableValues = {"api", "upload", "crawl"})
            String source,

            int sizeBytes,
            int chunks,
            Instant createdAt,
            Instant updatedAt) {}

    /** What ingestion needs to know of a document already stored. */
    record Existing(
            UUID id,
            String contentHash,
            String source,
            @Nullable String url,
            int chunks) {}

    /** A document about to be stored. */
    record New(
            String siteId,
            String title,
            @Nullable String url,
            String contentType,
            String contentHash,
            String source,
            @Nullable UUID crawlJobId,
            int sizeBytes) {}

    Optional<Existing> findByHash(String siteId, String contentHash) {
        return jdbc.sql("""
                        SELECT d.id, d.content_hash, d.source, d.url,
                               (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)::int AS chunks
                        FROM documents d WHERE d.site_id = ? AND d.content_hash = ?""").params(siteId, contentHash).query(Existing.class).optional();
    }

    Optional<Existing> findCrawled(String siteId, String url) {
        return jdbc.sql("""
                        SELECT d.id, d.content_hash, d.source, d.url,
                               (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)::int AS chunks
                        FROM documents d WHERE d.site_id = ? AND d.source = 'crawl' AND d.url = ?""").params(siteId, url).query(Existing.class).optional();
    }

    /**
     * Stores a document and its chunks in one transaction, after deleting the document it replaces
     * (a crawled page whose content changed). Vectors, when given, are one per chunk.
     */
    UUID insert(
            New document,
            List<Chunker.Draft> drafts,
            @Nullable List<float[]> vectors,
            String model,
            @Nullable UUID replacing) {
        return transactions.execute(status -> {
            if (replacing != null) {
                jdbc.sql("DELETE FROM documents WHERE site_id = ? AND id = ?")
                        .params(document.siteId(), replacing)
                        .update();
            }
            var id = UUID.randomUUID();
            jdbc.sql("""
                            INSERT INTO documents (id, site_id, title, url, content_type, content_hash, source,
                                                   crawl_job_id, size_bytes)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(
                            id,
                            document.siteId(),
                            document.title(),
                            document.url(),
                            document.contentType(),
                            document.contentHash(),
                            document.source(),
                            document.crawlJobId(),
                            document.sizeBytes())
                    .update();
            // One statement per CHUNK_ROWS chunks rather than one per chunk: the statement-level
            // trigger that moves the site's knowledge version (V10) then fires once per statement,
            // not once per chunk on the same row, and one round trip carries the rows.
            for (int from = 0; from < drafts.size(); from += CHUNK_ROWS) {
                var rows = drafts.subList(from, Math.min(drafts.size(), from + CHUNK_ROWS));
                var ordinals = new Integer[rows.size()];
                var headingPaths = new String[rows.size()];
                var contents = new String[rows.size()];
                var tokens = new Integer[rows.size()];
                var embeddings = new String[rows.size()];
                for (int i = 0; i < rows.size(); i++) {
                    var draft = rows.get(i);
                    ordinals[i] = draft.ordinal();
                    headingPaths[i] = draft.headingPath().isEmpty() ? null : draft.headingPath();
                    contents[i] = draft.content();
                    tokens[i] = draft.tokens();
                    embeddings[i] = vectors == null ? null : HalfVectors.text(vectors.get(draft.ordinal()));
                }
                jdbc.sql("""
                                INSERT INTO chunks (site_id, document_id, ordinal, title, url, heading_path, content,
                                                    token_count, embedding, embedding_model, text_config)
                                SELECT ?, ?, d.ordinal, ?, ?, d.heading_path, d.content, d.tokens, d.embedding::halfvec,
                                       ?, (SELECT text_search_config FROM sites WHERE site_id = ?)
                                FROM unnest(?::int[], ?::text[], ?::text[], ?::int[], ?::text[])
                                     AS d(ordinal, heading_path, content, tokens, embedding)""")
                        .params(
                                document.siteId(),
                                id,
                                document.title(),
                                document.url(),
                                vectors == null ? null : model,
                                // Indexed for full text in the site's language (sites.text_search_config).
                                document.siteId(),
                                ordinals,
                                headingPaths,
                                contents,
                                tokens,
                                embeddings)
                        .update();
            }
            return id;
        });
    }

    List<Row> list(String siteId, int limit) {
        return list(siteId, 0, limit);
    }

    long count(String siteId) {
        return jdbc.sql("SELECT count(*) FROM documents WHERE site_id = ?")
                .param(siteId)
                .query(Long.class)
                .single();
    }

    List<Row> list(String siteId, long offset, int limit) {
        return jdbc.sql("""
                        SELECT d.id, d.title, d.url, d.content_type, d.source, d.size_bytes,
                               (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)::int AS chunks,
                               d.created_at, d.updated_at
                        FROM documents d WHERE d.site_id = ?
                        ORDER BY d.created_at DESC, d.id LIMIT ? OFFSET ?""")
                .params(siteId, limit, offset)
                .query((rs, n) -> new Row(
                        rs.getObject("id", UUID.class),
                        rs.getString("title"),
                        rs.getString("url"),
                        rs.getString("content_type"),
                        rs.getString("source"),
                        rs.getInt("size_bytes"),
                        rs.getInt("chunks"),
                        instant(rs.getTimestamp("created_at")),
                        instant(rs.getTimestamp("updated_at"))))
                .list();
    }

    /** Deletes a document of the site; its chunks go with it (foreign key cascade). */
    boolean delete(String siteId, UUID documentId) {
        return jdbc.sql("DELETE FROM documents WHERE site_id = ? AND id = ?")
                        .params(siteId, documentId)
                        .update()
                > 0;
    }

    /** A crawl saw this document again: it belongs to that crawl now and survives its sweep. */
    void markSeen(String siteId, UUID documentId, UUID jobId) {
        jdbc.sql("UPDATE documents SET crawl_job_id = ?, updated_at = now() WHERE site_id = ? AND id = ?")
                .params(jobId, siteId, documentId)
                .update();
    }

    int deleteCrawled(String siteId, String url) {
        return jdbc.sql("DELETE FROM documents WHERE site_id = ? AND source = 'crawl' AND url = ?")
                .params(siteId, url)
                .update();
    }

    /**
     * After a complete crawl: deletes the pages that earlier crawls of the same start URL found and
     * this one did not (it marks every page it saw).
     */
    int deleteNotSeen(String siteId, String startUrl, UUID jobId) {
        return jdbc.sql("""
                        DELETE FROM documents d
                        WHERE d.site_id = ? AND d.source = 'crawl' AND d.crawl_job_id <> ?
                          AND d.crawl_job_id IN (SELECT j.id FROM crawl_jobs j WHERE j.site_id = ? AND j.url = ?)""").params(siteId, jobId, siteId, startUrl).update();
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp.toInstant();
    }
}
