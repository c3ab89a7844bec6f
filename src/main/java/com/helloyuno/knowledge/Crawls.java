package com.helloyuno.knowledge;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Starts crawls and tells their progress. A crawl's URL is checked at once, so that an owner gets a
 * 4xx for a URL outside the site, a scheme other than http(s) or a private address, rather than a
 * failed job; the crawl itself runs in the background ({@link CrawlWorker}).
 */
@Service
class Crawls {

    private final KnowledgeSettings.Crawler settings;
    private final UrlGuard guard;
    private final CrawlJobs jobs;
    private final CrawlWorker worker;

    Crawls(KnowledgeSettings settings, UrlGuard guard, CrawlJobs jobs, CrawlWorker worker) {
        this.settings = settings.crawler();
        this.guard = guard;
        this.jobs = jobs;
        this.worker = worker;
    }

    /** A crawl job's state, as the owner API shows it (the one record of a job outside the worker). */
    @Schema(name = "CrawlStatus")
    record Status(
            UUID jobId,
            String url,
            int maxPages,

            @Schema(allowableValues = {"queued", "running", "done", "failed"})
            String status,

            int pagesTotal,
            int pagesDone,
            int chunks,

            @ArraySchema(schema = @Schema(type = "object", description = "A page that failed: its url and the error"))
            List<Map<String, Object>> errors,

            Instant createdAt,
            @Nullable Instant startedAt,
            @Nullable Instant finishedAt) {}

    /** Queues a crawl of a page or sitemap of the site; returns the job's id. */
    UUID start(String siteId, @Nullable String url, @Nullable Integer maxPages, AllowedHosts hosts) {
        if (url == null || url.isBlank()) {
            throw new KnowledgeErrors.CrawlRequestInvalid("url is required.");
        }
        var pages = maxPages == null ? settings.defaultMaxPages() : maxPages;
        if (pages < 1 || pages > settings.maxPagesLimit()) {
            throw new KnowledgeErrors.CrawlRequestInvalid(
                    "max_pages must be between 1 and " + settings.maxPagesLimit() + ".");
        }
        var uri = PageFetcher.normalize(UrlGuard.parse(url));
        guard.check(uri, hosts);
        var id = jobs.create(siteId, uri.toString(), pages, hosts);
        worker.wake();
        return id;
    }

    Status status(String siteId, UUID jobId) {
        return jobs.find(siteId, jobId)
                .orElseThrow(() -> new KnowledgeErrors.CrawlNotFound("No crawl " + jobId + " in this site."));
    }
}
