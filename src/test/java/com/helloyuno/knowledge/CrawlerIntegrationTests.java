package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Crawls of a site served by the test on 127.0.0.1, which needs {@code allow-private-addresses};
 * no delay between requests.
 */
@TestPropertySource(
        properties = {
            "yuno.knowledge.crawler.allow-private-addresses=true",
            "yuno.knowledge.crawler.per-host-delay=0s",
            "yuno.knowledge.crawler.poll-interval=200ms",
            "yuno.knowledge.crawler.heartbeat-interval=1s",
            "yuno.knowledge.crawler.stale-after=3s",
            "yuno.knowledge.crawler.request-timeout=5s",
            "yuno.knowledge.crawler.read-timeout=5s"
        })
class CrawlerIntegrationTests extends KnowledgeIntegrationTest {

    @Autowired
    Crawls crawls;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Retriever retriever;

    @Autowired
    CrawlJobs crawlJobs;

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    TestWebSite web;
    String site;
    AllowedHosts hosts;

    @BeforeEach
    void aSmallSite() {
        web = new TestWebSite();
        site = newSite(jdbc, "127.0.0.1");
        hosts = new AllowedHosts(Set.of("127.0.0.1"), false);
        web.text("/robots.txt", "text/plain", "User-agent: *\nDisallow: /private/\n")
                .text(
                        "/sitemap_index.xml",
                        "application/xml",
                        sitemapIndex(web.url("/sitemap-pages.xml"), web.url("/sitemap-more.xml")))
                .text(
                        "/sitemap-pages.xml",
                        "application/xml",
                        urlset(web.url("/"), web.url("/pricing"), web.url("/private/secret"), web.url("/old")))
                .text(
                        "/sitemap-more.xml",
                        "text/xml; charset=utf-8",
                        urlset(
                                web.url("/about"),
                                web.url("/missing"),
                                web.url("/files/manual.pdf"),
                                "http://other.example.org/page"))
                .page(
                        "/",
                        page(
                                "Home",
                                "<h1>Welcome</h1><p>Acme sells garden tools.</p>"
                                        + links(
                                                "/pricing",
                                                "/about",
                                                "/private/secret",
                                                "/files/manual.pdf",
                                                "/old",
                                                "/missing",
                                                "http://other.example.org/page",
                                                "/pricing#plans",
                                                "mailto:hello@acme.test")))
                .page(
                        "/pricing",
                        page(
                                "Pricing",
                                "<h1>Pricing</h1><p>The spade costs twelve euros.</p>"
                                        + "<h2>Refunds</h2><p>Refunds within thirty days.</p>"))
                .page("/about", page("About", "<h1>About us</h1><p>A family business since 1921.</p>"))
                .page("/private/secret", page("Secret", "<p>Never to be crawled.</p>"))
                .redirect("/old", web.url("/new"))
                .page("/new", page("New page", "<h1>New</h1><p>The new catalogue of rakes.</p>"))
                .file("/files/manual.pdf", "application/pdf", "%PDF-1.7 not really".getBytes());
    }

    @AfterEach
    void stop() {
        web.close();
    }

    @Test
    void crawlsASitemapIndexCollectingExactlyTheAllowedPages() throws Exception {
        var job = crawls.start(site, web.url("/sitemap_index.xml"), 50, hosts);
        var status = awaitEnd(job);

        assertThat(status.status()).isEqualTo("done");
        assertThat(crawledUrls())
                .containsExactlyInAnyOrder(web.url("/"), web.url("/pricing"), web.url("/about"), web.url("/new"));
        assertThat(web.requested()).doesNotContain("/private/secret").contains("/robots.txt", "/old", "/new");
        assertThat(web.requested().stream().filter(p -> p.equals("/robots.txt")))
                .hasSize(1);
        assertThat(errorsByUrl(status))
                .containsEntry(web.url("/private/secret"), "disallowed by robots.txt")
                .containsEntry(web.url("/missing"), "HTTP 404")
                .containsEntry(web.url("/files/manual.pdf"), "unsupported content type application/pdf")
                .containsEntry("http://other.example.org/page", "outside the site's domains");
        // Seven pages of the site were listed (the robots.txt-disallowed one with its error).
        assertThat(status.pagesTotal()).isEqualTo(7);
        assertThat(status.pagesDone()).isEqualTo(7);
        assertThat(status.chunks()).isEqualTo(chunkCount());
        assertThat(status.chunks()).isGreaterThanOrEqualTo(5);
        assertThat(retriever.search(site, "How much is the spade?"))
                .first()
                .satisfies(p -> assertThat(p.url()).isEqualTo(web.url("/pricing")));
    }

    @Test
    void crawlsFromAPageFollowingLinksOfTheSiteOnly() throws Exception {
        var status = awaitEnd(crawls.start(site, web.url("/"), 50, hosts));

        assertThat(status.status()).isEqualTo("done");
        assertThat(crawledUrls())
                .containsExactlyInAnyOrder(web.url("/"), web.url("/pricing"), web.url("/about"), web.url("/new"));
        assertThat(web.requested()).doesNotContain("/private/secret");
        assertThat(jdbc.sql("SELECT heading_path FROM chunks WHERE site_id = ? AND url = ? ORDER BY ordinal")
                        .params(site, web.url("/pricing"))
                        .query(String.class)
                        .list())
                .containsExactly("Pricing", "Pricing > Refunds");
    }

    @Test
    void reCrawlingUpdatesChangedPagesAndRemovesVanishedOnes() throws Exception {
        assertThat(awaitEnd(crawls.start(site, web.url("/sitemap_index.xml"), 50, hosts))
                        .status())
                .isEqualTo("done");
        var before = documentIds();

        web.page("/pricing", page("Pricing", "<h1>Pricing</h1><p>The spade now costs fifteen euros.</p>"))
                .remove("/about")
                .text(
                        "/sitemap-more.xml",
                        "application/xml",
                        urlset(web.url("/missing"), web.url("/files/manual.pdf")));
        var again = awaitEnd(crawls.start(site, web.url("/sitemap_index.xml"), 50, hosts));

        assertThat(again.status()).isEqualTo("done");
        var after = documentIds();
        assertThat(after.keySet()).containsExactlyInAnyOrder(web.url("/"), web.url("/pricing"), web.url("/new"));
        assertThat(after.get(web.url("/"))).isEqualTo(before.get(web.url("/")));
        assertThat(after.get(web.url("/new"))).isEqualTo(before.get(web.url("/new")));
        assertThat(after.get(web.url("/pricing"))).isNotEqualTo(before.get(web.url("/pricing")));
        assertThat(jdbc.sql("SELECT string_agg(content, ' ') FROM chunks WHERE site_id = ? AND url = ?")
                        .params(site, web.url("/pricing"))
                        .query(String.class)
                        .single())
                .contains("fifteen euros")
                .doesNotContain("twelve");
        assertThat(jdbc.sql("SELECT count(*) FROM chunks WHERE site_id = ? AND url = ?")
                        .params(site, web.url("/about"))
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    @Test
    void stopsAtMaxPagesAndThenRemovesNothing() throws Exception {
        awaitEnd(crawls.start(site, web.url("/sitemap_index.xml"), 50, hosts));
        var status = awaitEnd(crawls.start(site, web.url("/sitemap_index.xml"), 2, hosts));

        assertThat(status.status()).isEqualTo("done");
        assertThat(status.pagesTotal()).isEqualTo(2);
        assertThat(crawledUrls()).hasSize(4);
    }

    @Test
    void redirectsToCloudMetadataAreRefusedEvenWhenPrivateAddressesAreAllowed() throws Exception {
        web.redirect("/latest", "http://169.254.169.254/latest/meta-data/")
                .page("/", page("Home", "<p>Home page text.</p>" + links("/latest")));

        // Even a site that claims the metadata address as its own does not get it crawled.
        var status = awaitEnd(
                crawls.start(site, web.url("/"), 10, new AllowedHosts(Set.of("127.0.0.1", "169.254.169.254"), false)));

        assertThat(status.status()).isEqualTo("done");
        assertThat(errorsByUrl(status).get(web.url("/latest")))
                .startsWith("redirected: ")
                .contains("may not reach");
    }

    @Test
    void crawlsThroughTheOwnerApi() throws Exception {
        var http = new com.helloyuno.testsupport.Http(port);
        var started = http.post(
                "/api/sites/" + site + "/crawls",
                com.helloyuno.testsupport.Http.json(Map.of("url", web.url("/sitemap_index.xml"), "max_pages", 20)),
                "Authorization",
                "Bearer " + OPERATOR_KEY,
                "Content-Type",
                "application/json");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        var job = UUID.fromString(started.json().path("job_id").asString());
        awaitEnd(job);

        var status = http.get("/api/sites/" + site + "/crawls/" + job, "Authorization", "Bearer " + OPERATOR_KEY);

        assertThat(status.status()).isEqualTo(200);
        var json = status.json();
        assertThat(json.path("status").asString()).isEqualTo("done");
        assertThat(json.path("pages_total").asInt()).isEqualTo(7);
        assertThat(json.path("pages_done").asInt()).isEqualTo(7);
        assertThat(json.path("chunks").asInt()).isPositive();
        assertThat(json.path("errors").isArray()).isTrue();
        assertThat(json.path("errors").get(0).has("url")).isTrue();
    }

    @Test
    void aStartUrlThatFailsFailsTheJob() throws Exception {
        var status = awaitEnd(crawls.start(site, web.url("/missing"), 10, hosts));

        assertThat(status.status()).isEqualTo("failed");
        assertThat(status.errors())
                .last()
                .satisfies(e -> assertThat(e.get("error").toString()).contains("HTTP 404"));
    }

    @Test
    void aJobLeftRunningByADeadInstanceIsCrawledAgainUntilItsAttemptsAreSpent() throws Exception {
        var again = UUID.randomUUID();
        var spent = UUID.randomUUID();
        runningJob(jdbc, again, site, web.url("/"), "dead-host:1/x", Duration.ofHours(1), 1);
        runningJob(jdbc, spent, site, web.url("/"), "dead-host:1/x", Duration.ofHours(1), 5);

        var crawledAgain = awaitEnd(again);
        var failed = awaitEnd(spent);

        assertThat(crawledAgain.status()).isEqualTo("done");
        assertThat(crawledAgain.pagesDone()).isPositive();
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.errors())
                .last()
                .satisfies(e -> assertThat(e.get("error").toString()).contains("stopped before it finished, 5 times"));
    }

    @Test
    void aJobGivenBackOnAGracefulStopIsCrawledAgain() throws Exception {
        var job = UUID.randomUUID();
        runningJob(jdbc, job, site, web.url("/"), "stopping-host:1/x", Duration.ZERO, 2);

        assertThat(crawlJobs.requeue("stopping-host:1/x")).isEqualTo(1);
        var status = awaitEnd(job);

        assertThat(status.status()).isEqualTo("done");
        assertThat(attempts(job)).isEqualTo(3);
    }

    @Test
    void aStartThatWasTakenBackCannotWriteOverTheNextOne() {
        var job = UUID.randomUUID();
        runningJob(jdbc, job, site, web.url("/"), "paused-host:1/x", Duration.ZERO, 2);
        var earlier = new CrawlJobs.Claimed(job, site, web.url("/"), 10, hosts, 1);
        var latest = new CrawlJobs.Claimed(job, site, web.url("/"), 10, hosts, 2);

        assertThat(crawlJobs.progress(earlier, "paused-host:1/x", 9, 9, 9, List.of()))
                .isFalse();
        crawlJobs.finish(earlier, "paused-host:1/x", "done", List.of());
        assertThat(crawls.status(site, job).status()).isEqualTo("running");
        assertThat(crawls.status(site, job).pagesDone()).isZero();

        assertThat(crawlJobs.progress(latest, "paused-host:1/x", 3, 1, 2, List.of()))
                .isTrue();
        crawlJobs.finish(latest, "paused-host:1/x", "done", List.of());
        assertThat(crawls.status(site, job).status()).isEqualTo("done");
        assertThat(crawls.status(site, job).pagesDone()).isEqualTo(1);
    }

    private int attempts(UUID job) {
        return jdbc.sql("SELECT attempts FROM crawl_jobs WHERE id = ?")
                .param(job)
                .query(Integer.class)
                .single();
    }

    private Crawls.Status awaitEnd(UUID job) throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var status = crawls.status(site, job);
            if (status.status().equals("done") || status.status().equals("failed")) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("crawl " + job + " did not end: " + crawls.status(site, job));
    }

    private List<String> crawledUrls() {
        return jdbc.sql("SELECT url FROM documents WHERE site_id = ? AND source = 'crawl'")
                .param(site)
                .query(String.class)
                .list();
    }

    private Map<String, UUID> documentIds() {
        var out = new java.util.HashMap<String, UUID>();
        jdbc.sql("SELECT url, id FROM documents WHERE site_id = ? AND source = 'crawl'")
                .param(site)
                .query(rs -> {
                    out.put(rs.getString(1), rs.getObject(2, UUID.class));
                });
        return out;
    }

    private int chunkCount() {
        return jdbc.sql("SELECT count(*) FROM chunks WHERE site_id = ?")
                .param(site)
                .query(Integer.class)
                .single();
    }

    private static Map<String, String> errorsByUrl(Crawls.Status status) {
        var out = new java.util.HashMap<String, String>();
        for (var error : status.errors()) {
            if (error.get("url") != null) {
                out.put(error.get("url").toString(), error.get("error").toString());
            }
        }
        return out;
    }

    static String page(String title, String body) {
        return "<!doctype html><html><head><title>" + title + "</title></head><body><nav>"
                + "<a href=\"/\">Home</a></nav><main>" + body + "</main><footer>Acme footer</footer></body></html>";
    }

    static String links(String... hrefs) {
        var out = new StringBuilder("<ul>");
        for (var href : hrefs) {
            out.append("<li><a href=\"").append(href).append("\">link</a></li>");
        }
        return out.append("</ul>").toString();
    }

    static String sitemapIndex(String... urls) {
        return sitemap("sitemapindex", "sitemap", urls);
    }

    static String urlset(String... urls) {
        return sitemap("urlset", "url", urls);
    }

    private static String sitemap(String root, String entry, String... urls) {
        var out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root
                + " xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
        for (var url : urls) {
            out.append('<')
                    .append(entry)
                    .append("><loc>")
                    .append(url)
                    .append("</loc></")
                    .append(entry)
                    .append('>');
        }
        return out.append("</").append(root).append('>').toString();
    }
}
