package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.parser.Parser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs one crawl job: from a sitemap (sitemap indexes followed) or from a page (same-site links
 * followed, breadth first), at most {@code max_pages} pages, honouring robots.txt. Each page is
 * stored like any document, through {@link Ingestion}: unchanged pages are kept, changed ones
 * replaced, pages answering 404 or 410 removed; when the crawl saw everything it could reach (it
 * did not stop at {@code max_pages}), the pages that earlier crawls of the same URL found and this
 * one did not are removed too.
 */
@Component
class Crawler {

    private static final Logger log = LoggerFactory.getLogger(Crawler.class);
    private static final Set<String> FIRST_TYPES = union(PageFetcher.PAGE_TYPES, PageFetcher.SITEMAP_TYPES);

    private final KnowledgeSettings.Crawler settings;
    private final PageFetcher fetcher;
    private final Ingestion ingestion;
    private final Documents documents;

    Crawler(KnowledgeSettings settings, PageFetcher fetcher, Ingestion ingestion, Documents documents) {
        this.settings = settings.crawler();
        this.fetcher = fetcher;
        this.ingestion = ingestion;
        this.documents = documents;
    }

    /** Where a running crawl reports to; false from {@link #report} means stop. */
    interface Progress {
        boolean report(int total, int done, int chunks, List<Map<String, Object>> newErrors);
    }

    /** How a crawl ended: {@code done} or {@code failed}, and the errors not yet reported. */
    record Result(String status, List<Map<String, Object>> errors) {}

    Result run(CrawlJobs.Claimed job, Progress progress) throws InterruptedException {
        return new Run(job, progress).run();
    }

    /** The state of one crawl. */
    private final class Run implements PageFetcher.Politeness {
        private final CrawlJobs.Claimed job;
        private final Progress progress;
        private final Map<String, RobotsTxt> robots = new HashMap<>();
        private final Set<String> seen = new HashSet<>();
        private final ArrayDeque<URI> queue = new ArrayDeque<>();
        private final List<Map<String, Object>> pending = new ArrayList<>();
        private int errorsListed;
        private int errorsTotal;
        private int total;
        private int done;
        private int chunks;
        private boolean truncated;
        private boolean stopped;

        Run(CrawlJobs.Claimed job, Progress progress) {
            this.job = job;
            this.progress = progress;
        }

        Result run() throws InterruptedException {
            URI start;
            try {
                start = PageFetcher.normalize(UrlGuard.parse(job.url()));
            } catch (ApiException e) {
                return failed(e.getMessage());
            }
            seen.add(start.toString());
            total = 1;
            var first = fetcher.fetch(start, job.hosts(), this, FIRST_TYPES);
            if (first instanceof PageFetcher.Failed failed) {
                error(failed.url(), failed.reason(), failed.status());
                return failed("The start URL could not be fetched: " + failed.reason());
            }
            var fetched = (PageFetcher.Fetched) first;
            if (PageFetcher.SITEMAP_TYPES.contains(fetched.mediaType())) {
                total = 0;
                readSitemaps(fetched);
            } else {
                page(start, fetched);
            }
            while (!queue.isEmpty() && !stopped) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                var url = queue.poll();
                var outcome = fetcher.fetch(url, job.hosts(), this, PageFetcher.PAGE_TYPES);
                switch (outcome) {
                    case PageFetcher.Fetched page -> page(url, page);
                    case PageFetcher.Failed failed -> failed(url, failed);
                }
            }
            if (stopped) {
                return new Result("failed", List.of());
            }
            if (!truncated) {
                var removed = documents.deleteNotSeen(job.siteId(), job.url(), job.id());
                if (removed > 0) {
                    log.info("Crawl {} removed {} pages that are gone", job.id(), removed);
                }
            }
            if (errorsTotal > errorsListed) {
                pending.add(Map.of("error", (errorsTotal - errorsListed) + " more pages had errors"));
            }
            return new Result("done", drain());
        }

        private Result failed(String reason) {
            var errors = drain();
            errors.add(Map.of("error", reason));
            return new Result("failed", errors);
        }

        private void readSitemaps(PageFetcher.Fetched index) throws InterruptedException {
            var sitemaps = new ArrayDeque<PageFetcher.Fetched>();
            sitemaps.add(index);
            var read = 0;
            var visited = new HashSet<String>();
            visited.add(index.url().toString());
            while (!sitemaps.isEmpty() && read < settings.maxSitemaps()) {
                var sitemap = sitemaps.poll();
                read++;
                var xml = Jsoup.parse(sitemap.text(), sitemap.url().toString(), Parser.xmlParser());
                for (var loc : xml.select("sitemapindex > sitemap > loc")) {
                    var url = resolve(sitemap.url(), loc.text());
                    if (url == null || !visited.add(url.toString())) {
                        continue;
                    }
                    var outcome = fetcher.fetch(url, job.hosts(), this, PageFetcher.SITEMAP_TYPES);
                    switch (outcome) {
                        case PageFetcher.Fetched child -> sitemaps.add(child);
                        case PageFetcher.Failed failed -> error(url, "sitemap: " + failed.reason(), failed.status());
                    }
                }
                for (var loc : xml.select("urlset > url > loc")) {
                    var url = resolve(sitemap.url(), loc.text());
                    if (url != null) {
                        enqueue(url, true);
                    }
                }
            }
            report();
        }

        private void page(URI requested, PageFetcher.Fetched page) {
            var url = PageFetcher.normalize(page.url());
            if (!url.equals(requested) && !seen.add(url.toString())) {
                // A redirect to a page this crawl already has.
                done++;
                report();
                return;
            }
            try {
                Extracted extracted;
                ContentKind kind;
                if (page.mediaType().equals("text/plain")) {
                    extracted = TextExtractor.plain(page.text());
                    kind = ContentKind.PLAIN;
                } else {
                    var html = TextExtractor.html(page.body(), page.charset(), url.toString());
                    if (!html.nofollow()) {
                        for (var link : html.links()) {
                            enqueue(link, false);
                        }
                    }
                    if (html.noindex()) {
                        error(url, "the page asks not to be indexed (robots meta noindex)", 0);
                        done++;
                        report();
                        return;
                    }
                    extracted = html.extracted();
                    kind = ContentKind.HTML;
                }
                var prepared = ingestion.prepare(extracted, null, null, url.toString(), kind, page.body().length);
                chunks += store(prepared);
            } catch (ApiException e) {
                error(url, e.getMessage(), 0);
            } catch (RuntimeException e) {
                log.warn("Crawl {} could not store {}", job.id(), url, e);
                error(url, "could not be stored", 0);
            }
            done++;
            report();
        }

        /** Stores a page, replacing its earlier version; returns its chunk count. */
        private int store(Ingestion.Prepared prepared) {
            var site = job.siteId();
            var url = prepared.url();
            var previous = url == null ? null : documents.findCrawled(site, url).orElse(null);
            if (previous != null && previous.contentHash().equals(prepared.contentHash())) {
                documents.markSeen(site, previous.id(), job.id());
                return previous.chunks();
            }
            var same = ingestion.existing(site, prepared.contentHash());
            if (same.isPresent()) {
                // The same text is stored already (another URL, or an uploaded copy).
                if (previous != null) {
                    documents.delete(site, previous.id());
                }
                if (same.get().source().equals("crawl")) {
                    documents.markSeen(site, same.get().id(), job.id());
                }
                return same.get().chunks();
            }
            var result = ingestion.store(
                    site, prepared, Ingestion.Origin.CRAWL, job.id(), previous == null ? null : previous.id());
            return result.chunks();
        }

        private void failed(URI url, PageFetcher.Failed failed) {
            switch (failed.kind()) {
                case GONE -> documents.deleteCrawled(job.siteId(), url.toString());
                case TRANSIENT ->
                    documents
                            .findCrawled(job.siteId(), url.toString())
                            .ifPresent(d -> documents.markSeen(job.siteId(), d.id(), job.id()));
                case SKIPPED -> {}
            }
            error(url, failed.reason(), failed.status());
            done++;
            report();
        }

        private void enqueue(URI link, boolean fromSitemap) {
            var scheme = link.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return;
            }
            var url = PageFetcher.normalize(link);
            if (!job.hosts().permits(url.getHost())) {
                if (fromSitemap && seen.add(url.toString())) {
                    error(url, "outside the site's domains", 0);
                }
                return;
            }
            if (seen.contains(url.toString())) {
                return;
            }
            if (total >= job.maxPages()) {
                truncated = true;
                return;
            }
            seen.add(url.toString());
            total++;
            queue.add(url);
        }

        private void error(URI url, String reason, int status) {
            errorsTotal++;
            if (errorsListed >= settings.maxErrors()) {
                return;
            }
            errorsListed++;
            var entry = new LinkedHashMap<String, Object>();
            entry.put("url", url.toString());
            entry.put("error", reason);
            if (status > 0) {
                entry.put("status", status);
            }
            pending.add(entry);
        }

        private void report() {
            if (!progress.report(total, done, chunks, drain())) {
                stopped = true;
                queue.clear();
            }
        }

        private List<Map<String, Object>> drain() {
            var out = new ArrayList<>(pending);
            pending.clear();
            return out;
        }

        @Override
        public boolean allows(URI url) throws InterruptedException {
            return robotsOf(url).allows(pathAndQuery(url));
        }

        @Override
        public Duration delay(URI url) {
            var base = settings.perHostDelay();
            var rules = robots.get(PageFetcher.hostKey(url));
            if (rules == null) {
                return base;
            }
            var asked = rules.crawlDelay().orElse(Duration.ZERO);
            var capped = asked.compareTo(settings.maxCrawlDelay()) > 0 ? settings.maxCrawlDelay() : asked;
            return capped.compareTo(base) > 0 ? capped : base;
        }

        private RobotsTxt robotsOf(URI url) throws InterruptedException {
            var key = PageFetcher.hostKey(url);
            var known = robots.get(key);
            if (known != null) {
                return known;
            }
            var robotsUrl = URI.create(
                    url.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + url.getRawAuthority() + "/robots.txt");
            var outcome = fetcher.fetchUnchecked(robotsUrl, job.hosts(), settings.perHostDelay(), Set.of());
            var rules = switch (outcome) {
                case PageFetcher.Fetched found -> RobotsTxt.parse(found.text(), settings.robotsToken());
                // RFC 9309: unreachable (5xx, network) means "disallow all"; unavailable (4xx) "allow all".
                case PageFetcher.Failed failed ->
                    failed.kind() == PageFetcher.Failure.TRANSIENT ? RobotsTxt.disallowAll() : RobotsTxt.allowAll();
            };
            robots.put(key, rules);
            return rules;
        }
    }

    private static String pathAndQuery(URI url) {
        var path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    private static @org.jspecify.annotations.Nullable URI resolve(URI base, String text) {
        try {
            return base.resolve(new URI(text.strip()));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var out = new HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }
}
