package com.helloyuno.knowledge;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the knowledge base.
 *
 * @param maxContentChars the longest extracted text of one document
 * @param maxFileSize the largest uploaded file or JSON {@code content}, in bytes
 * @param maxChunksPerDocument a document that would need more chunks is refused
 * @param maxTitleChars longer titles are cut
 * @param maxPageSize the largest page of the document list
 */
@Validated
@ConfigurationProperties("yuno.knowledge")
record KnowledgeSettings(
        @Min(1) @DefaultValue("1000000") int maxContentChars,
        @NotNull @DefaultValue("10MB") DataSize maxFileSize,
        @Min(1) @DefaultValue("2000") int maxChunksPerDocument,
        @Min(1) @Max(500) @DefaultValue("500") int maxTitleChars,
        @Min(1) @Max(1000) @DefaultValue("200") int maxPageSize,
        @Valid @NotNull @DefaultValue Chunking chunking,
        @Valid @NotNull @DefaultValue Retrieval retrieval,
        @Valid @NotNull @DefaultValue Crawler crawler,
        @Valid @NotNull @DefaultValue Backfill backfill) {

    /**
     * How documents are cut. Tokens are estimated, not counted: {@code max(ceil(chars / 4), words)},
     * OpenAI's rule of thumb for English with a floor of one token per word for short-word or
     * non-Latin text.
     *
     * @param chunkTokens the budget of one chunk
     * @param overlapTokens how much of a chunk's end starts the next one within the same section
     */
    public record Chunking(
            @Min(16) @Max(8000) @DefaultValue("350") int chunkTokens,
            @Min(0) @Max(2000) @DefaultValue("50") int overlapTokens) {

        public Chunking {
            if (overlapTokens >= chunkTokens) {
                throw new IllegalArgumentException("yuno.knowledge.chunking.overlap-tokens must be below chunk-tokens");
            }
        }
    }

    /**
     * Hybrid search.
     *
     * @param topK passages returned by default
     * @param maxTopK the largest top-k a caller may ask for
     * @param candidates candidates taken from each of the vector and full-text searches before fusion
     * @param rrfK the constant of reciprocal rank fusion, {@code 1 / (rrfK + rank)}
     * @param minRelevance vector hits below this cosine similarity are not relevant; full-text hits
     *     must match the query's words at all and reach {@code minTextRank}
     * @param minTextRank the least {@code ts_rank} of a full-text hit
     * @param siteIndexMinChunks a site with at least this many embedded chunks gets an HNSW index of
     *     its own (built in the background), and loses it below half of this
     * @param siteIndexCheckInterval how often the sites' sizes are checked for it
     * @param siteIndexBuildMemoryMb {@code maintenance_work_mem} of one index build, in MB
     * @param efSearch {@code hnsw.ef_search} of a search through a site's index
     * @param maxTextMatches the full-text half ranks the vector half's candidates and at most this
     *     many chunks holding an uncommon word of the question and as many holding any of its words,
     *     not every match (a common word matches nearly every chunk of a large site)
     * @param textScanRows in a site of at most this many chunks, up to {@code maxTextMatches} of
     *     its chunks holding any word of the question join the pool, read from its rows: a site this
     *     small with at most {@code maxTextMatches} matches is ranked in full
     * @param commonWordShare a word in at least this share of all chunks is common: it still counts
     *     in the rank but does not pick the chunks to rank
     * @param stopWordDictionaries PostgreSQL dictionaries whose stop words never pick a passage,
     *     whatever the site's language ({@code simple}, for a site that names none, keeps them): by
     *     default simple dictionaries on the stop-word files of seven languages (migration V12),
     *     which answer as the snowball ones ({@code english_stem}, ...) do without stemming every
     *     word; checked at start-up ({@link StopWordDictionaries})
     * @param commonWordsRefresh how often the common words are written again into {@code
     *     common_words} from PostgreSQL's statistics, and at most how often a large site's own are
     *     counted again into {@code site_common_words} after its knowledge changed
     * @param siteWordsMinChunks a site with at least this many chunks also has its own common words
     *     (in {@code common-word-share} of its chunks and more than {@code max-text-matches}),
     *     counted in the background: a word rare in
     *     all sites but in half of this site's chunks would have the full-text half read all those
     *     chunks' index entries
     * @param siteWordsMax the most common words kept for one site
     * @param siteWordsMaxSites how many sites this instance remembers having counted (the least
     *     recently searched leave first; a site forgotten is counted again before its words apply)
     * @param rerank how many of the site's chunks nearest by their binary-quantized vectors are kept
     *     for the next pass: ranked again in memory ({@code exactRerank}), or, for a site whose first
     *     pass runs in PostgreSQL, compared exactly
     * @param exactRerank of those, in a site whose bits are in memory, how many are compared
     *     exactly: the best by the question's vector against their bits (an asymmetric score,
     *     computed in memory), so PostgreSQL reads a quarter of the vectors for the same recall; a
     *     site of at most this many chunks is searched exactly
     * @param vectorCacheSize memory for sites' binary-quantized vectors (200 bytes a chunk), so that
     *     a large site's first pass is a scan of memory rather than of its index entries; the least
     *     recently searched sites leave first; never more than a quarter of the heap; 0 turns it off
     * @param vectorCacheMinChunks a site with fewer chunks keeps its first pass in PostgreSQL (1:
     *     every site is kept; in the benchmark this removed the small sites' first pass in
     *     PostgreSQL, 2.37 ms a call, and a search from memory reads both halves in one statement,
     *     {@link Chunks#hybrid})
     * @param vectorCacheReloadInterval a site that changed is read into memory again at most this
     *     often (its searches meanwhile take their first pass in PostgreSQL): an ingest moves its
     *     version with every statement
     * @param queryVectorCacheSize memory for questions' vectors ({@link QueryVectors}), so that a
     *     question asked again of the same site costs no embeddings call (about 6 kB a question;
     *     the oldest leave first; 0 turns it off)
     * @param queryVectorCacheTtl how long a question's vector is remembered at most
     * @param queryVectorCacheSiteShare the largest share of those questions one site may hold (its
     *     oldest leave first beyond it), so that one busy site cannot push the others out
     * @param maxConcurrent searches sent to PostgreSQL at once, each holding a pooled connection
     *     for its few statements. At most the pool's size ({@code YUNO_DB_POOL_SIZE}, 10) less the
     *     spool's {@code max-concurrent-writes} (3) less one, so that site lookups and the API keep
     *     a connection. Within that, size it by the database's CPUs: the searches beyond it wait
     *     here, first come first served, instead of sharing those CPUs inside PostgreSQL, where
     *     every search in flight slows the others. On the knowledge benchmark's 2 cores at 8
     *     searchers (README), 3 gave a p99 of 10.7-11.8 ms where 6 and 8 gave 16-18 ms at the
     *     same throughput (in a slow phase of the host 19 ms against 21), and 2 left up to a
     *     tenth of the CPUs idle. So about the cores plus one, as a starting point to measure:
     *     counted over all the instances sharing the database, with more for a database that reads
     *     from disk (a search waiting for a page leaves its CPU to another)
     * @param maxWait how long a search waits for its turn; past it the visitor is answered without
     *     the site's passages (counted in {@code yuno.chat.retrieval.unavailable{reason="busy"}})
     *     rather than after a pool time-out
     * @param maxQuestionChars the longest question the owner's search ({@code POST
     *     /api/sites/{site_id}/knowledge/search}) takes
     */
    public record Retrieval(
            @Min(1) @DefaultValue("5") int topK,
            @Min(1) @Max(100) @DefaultValue("20") int maxTopK,
            @Min(1) @Max(1000) @DefaultValue("40") int candidates,
            @Min(1) @DefaultValue("60") int rrfK,

            @DecimalMin("-1.0") @DecimalMax("1.0") @DefaultValue("0.2")
            double minRelevance,

            @DecimalMin("0.0") @DefaultValue("0.0") double minTextRank,
            @Min(1) @Max(10000) @DefaultValue("200") int rerank,
            @Min(1) @Max(10000) @DefaultValue("50") int exactRerank,
            @NotNull @DefaultValue("256MB") DataSize vectorCacheSize,
            @Min(0) @DefaultValue("1") int vectorCacheMinChunks,
            @NotNull @DefaultValue("1s") Duration vectorCacheReloadInterval,
            @NotNull @DefaultValue("16MB") DataSize queryVectorCacheSize,
            @NotNull @DefaultValue("1h") Duration queryVectorCacheTtl,

            @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("1.0") @DefaultValue("0.25")
            double queryVectorCacheSiteShare,

            @Min(1) @Max(10000) @DefaultValue("100") int maxTextMatches,
            @Min(0) @Max(100000) @DefaultValue("200") int textScanRows,
            @Min(100) @DefaultValue("100000") int siteIndexMinChunks,
            @NotNull @DefaultValue("10m") Duration siteIndexCheckInterval,
            @Min(16) @Max(65536) @DefaultValue("256") int siteIndexBuildMemoryMb,
            @Min(1) @Max(1000) @DefaultValue("200") int efSearch,

            @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.01")
            double commonWordShare,

            @NotNull @DefaultValue("10m") Duration commonWordsRefresh,
            @Min(1) @DefaultValue("2000") int siteWordsMinChunks,
            @Min(1) @Max(100000) @DefaultValue("1000") int siteWordsMax,
            @Min(1) @Max(1000000) @DefaultValue("1000") int siteWordsMaxSites,

            @NotNull
            @DefaultValue({
                "yuno_english_stop",
                "yuno_german_stop",
                "yuno_french_stop",
                "yuno_spanish_stop",
                "yuno_italian_stop",
                "yuno_portuguese_stop",
                "yuno_dutch_stop"
            })
            List<@Pattern(regexp = "[a-z_]{1,63}") String> stopWordDictionaries,

            @Min(1) @DefaultValue("3") int maxConcurrent,
            @NotNull @DefaultValue("1s") Duration maxWait,
            // The owner's "try a question" search (POST .../knowledge/search): as long as a visitor's question.
            @Min(1) @Max(32000) @DefaultValue("4000") int maxQuestionChars) {}

    /**
     * The crawler.
     *
     * @param userAgent the {@code User-Agent} header of every request
     * @param robotsToken the product token matched against robots.txt groups, besides {@code *}
     * @param defaultMaxPages pages of a crawl that names no {@code max_pages}
     * @param maxPagesLimit the largest {@code max_pages} accepted
     * @param perHostDelay the pause between two requests to one host (robots.txt's Crawl-delay,
     *     up to {@code maxCrawlDelay}, may lengthen it)
     * @param maxCrawlDelay the longest Crawl-delay honoured
     * @param connectTimeout to open a connection
     * @param requestTimeout from sending a request to its response headers
     * @param readTimeout to read one response body
     * @param maxPageBytes a fetched page larger than this is skipped (bytes; not a page of a list)
     * @param maxRedirects redirects followed for one URL, each one checked like the first URL
     * @param maxSitemaps sitemap files read by one crawl (sitemap indexes nest them)
     * @param allowPrivateAddresses lets the crawler reach loopback, private and link-local
     *     addresses; for tests whose site runs on 127.0.0.1, never in production. Cloud metadata
     *     addresses stay refused
     * @param concurrentJobs crawl jobs one instance runs at once
     * @param pollInterval how often an instance looks for queued jobs and dead instances' jobs
     * @param heartbeatInterval how often a running job says it is alive
     * @param staleAfter a running job silent this long belonged to a dead instance and is queued again
     * @param maxAttempts a job is started at most this many times (a graceful stop's start counts
     *     too); a dead instance's job that has been is failed instead of queued again
     * @param maxErrors per-page errors kept in a job; later ones are counted but not listed
     */
    public record Crawler(
            @NotBlank @DefaultValue("YunoBot/1.0 (+https://helloyuno.com/bot)")
            String userAgent,

            @NotBlank @DefaultValue("YunoBot") String robotsToken,
            @Min(1) @DefaultValue("200") int defaultMaxPages,
            @Min(1) @DefaultValue("1000") int maxPagesLimit,
            @NotNull @DefaultValue("1s") Duration perHostDelay,
            @NotNull @DefaultValue("10s") Duration maxCrawlDelay,
            @NotNull @DefaultValue("5s") Duration connectTimeout,
            @NotNull @DefaultValue("15s") Duration requestTimeout,
            @NotNull @DefaultValue("30s") Duration readTimeout,
            @NotNull @DefaultValue("2MB") DataSize maxPageBytes,
            @Min(0) @Max(20) @DefaultValue("5") int maxRedirects,
            @Min(1) @DefaultValue("50") int maxSitemaps,
            @DefaultValue("false") boolean allowPrivateAddresses,
            @Min(1) @Max(64) @DefaultValue("2") int concurrentJobs,
            @NotNull @DefaultValue("5s") Duration pollInterval,
            @NotNull @DefaultValue("10s") Duration heartbeatInterval,
            @NotNull @DefaultValue("2m") Duration staleAfter,
            @Min(1) @Max(100) @DefaultValue("5") int maxAttempts,
            @Min(1) @DefaultValue("200") int maxErrors) {

        public Crawler {
            if (staleAfter.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException(
                        "yuno.knowledge.crawler.stale-after must be at least twice the heartbeat interval");
            }
        }
    }

    /**
     * Filling in missing embeddings (offline ingestion, a key configured later, a failed call).
     *
     * @param batchSize chunks read, embedded and written per round
     * @param interval how often to look for chunks without a vector while online
     */
    public record Backfill(
            @Min(1) @DefaultValue("256") int batchSize,
            @NotNull @DefaultValue("5m") Duration interval) {}
}
