package com.helloyuno.knowledge;

import static com.helloyuno.knowledge.IngestionIntegrationTests.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * With the default configuration, crawls of private addresses, other schemes and other hosts are
 * refused when they are asked for, before any connection.
 */
class CrawlSafetyIntegrationTests extends KnowledgeIntegrationTest {

    @Autowired
    Crawls crawls;

    @Autowired
    KnowledgeSettings settings;

    @Autowired
    JdbcClient jdbc;

    String site;
    AllowedHosts hosts;

    @BeforeEach
    void site() {
        site = newSite(jdbc, "example.com");
        // The site "owns" these hosts, so that the address check, not the host check, refuses them.
        hosts = new AllowedHosts(
                Set.of("example.com", "127.0.0.1", "10.0.0.1", "169.254.169.254", "localhost", "fd00:ec2::254"), false);
    }

    @Test
    void privateLoopbackAndMetadataAddressesAreRefused() {
        for (var url : new String[] {
            "http://127.0.0.1/",
            "http://localhost:8080/sitemap.xml",
            "http://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/"
        }) {
            assertRefused(() -> crawls.start(site, url, 10, hosts), 400, "address_not_allowed");
        }
        assertThat(jobs()).isZero();
    }

    @Test
    void otherSchemesAreRefused() {
        assertRefused(() -> crawls.start(site, "file:///etc/passwd", 10, hosts), 400, "url_scheme_not_allowed");
        assertRefused(() -> crawls.start(site, "ftp://example.com/", 10, hosts), 400, "url_scheme_not_allowed");
        assertRefused(() -> crawls.start(site, "javascript:alert(1)", 10, hosts), 400, "url_scheme_not_allowed");
    }

    @Test
    void urlsOutsideTheSitesDomainsAreRefused() {
        assertRefused(() -> crawls.start(site, "https://evil.example.net/", 10, hosts), 400, "url_outside_site");
        assertRefused(() -> crawls.start(site, "https://shop.example.com/", 10, hosts), 400, "url_outside_site");
    }

    @Test
    void badRequestsAreRefused() {
        assertRefused(() -> crawls.start(site, null, 10, hosts), 400, "invalid_request");
        assertRefused(() -> crawls.start(site, "https://example.com/", 0, hosts), 400, "invalid_request");
        assertRefused(() -> crawls.start(site, "https://example.com/", 100_000, hosts), 400, "invalid_request");
        assertRefused(() -> crawls.start(site, "https://exa mple.com/", 10, hosts), 400, "invalid_request");
        assertRefused(() -> crawls.status(site, java.util.UUID.randomUUID()), 404, "crawl_not_found");
    }

    @Test
    void aRedirectToAPrivateAddressIsRefusedBeforeConnecting() throws Exception {
        try (var web = new TestWebSite()) {
            web.redirect("/go", "http://10.0.0.1/admin");
            // The test site itself is on loopback: this guard allows loopback and nothing else private.
            var guard = new UrlGuard(false, InetAddress::isLoopbackAddress);
            var outcome = fetchOnce(
                    guard, URI.create(web.url("/go")), new AllowedHosts(Set.of("127.0.0.1", "10.0.0.1"), false));

            assertThat(outcome).isInstanceOfSatisfying(PageFetcher.Failed.class, failed -> {
                assertThat(failed.url()).isEqualTo(URI.create("http://10.0.0.1/admin"));
                assertThat(failed.kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
                assertThat(failed.reason()).startsWith("redirected: ");
            });
            assertThat(web.requested()).containsExactly("/go");
        }
    }

    @Test
    void theCrawlerConnectsToTheAddressesItCheckedAndNoOther() throws Exception {
        try (var web = new TestWebSite()) {
            web.page("/", "<html><body><p>Opening hours</p></body></html>");
            // shop.test is this test's own name for the loopback test site, known only to this resolver.
            var guard = new UrlGuard(false, InetAddress::isLoopbackAddress, host ->
                    new InetAddress[] {InetAddress.getLoopbackAddress()});
            var outcome = fetchOnce(
                    guard,
                    URI.create("http://shop.test:" + URI.create(web.url("/")).getPort() + "/"),
                    new AllowedHosts(Set.of("shop.test"), false));

            assertThat(outcome).isInstanceOf(PageFetcher.Fetched.class);
            assertThat(((PageFetcher.Fetched) outcome).text()).contains("Opening hours");
            assertThat(web.requested()).containsExactly("/");
        }
    }

    @Test
    void aNameThatRebindsToAPrivateAddressAfterTheCheckIsNotConnectedTo() throws Exception {
        try (var web = new TestWebSite()) {
            web.page("/", "<html><body><p>Internal admin</p></body></html>");
            // DNS rebinding: a public address for the check, loopback (where the "internal" service
            // listens) for every later lookup.
            var lookups = new AtomicInteger();
            var guard = new UrlGuard(false, address -> false, host -> new InetAddress[] {
                lookups.getAndIncrement() == 0
                        ? InetAddress.getByName("93.184.216.34")
                        : InetAddress.getLoopbackAddress()
            });
            var outcome = fetchOnce(
                    guard,
                    URI.create("http://rebind.test:" + URI.create(web.url("/")).getPort() + "/"),
                    new AllowedHosts(Set.of("rebind.test"), false));

            assertThat(outcome).isInstanceOfSatisfying(PageFetcher.Failed.class, failed -> {
                assertThat(failed.kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
                assertThat(failed.reason()).contains("may not reach");
            });
            assertThat(lookups).hasValueGreaterThan(1);
            assertThat(web.requested()).isEmpty();
        }
    }

    /** One fetch through a fetcher of its own with this guard, closed afterwards. */
    private PageFetcher.Outcome fetchOnce(UrlGuard guard, URI url, AllowedHosts hosts) throws InterruptedException {
        var fetcher = new PageFetcher(settings, guard, new HostThrottle());
        try {
            return fetcher.fetch(url, hosts, PageFetcherTests.ANYTHING_GOES, PageFetcher.PAGE_TYPES);
        } finally {
            fetcher.destroy();
        }
    }

    private int jobs() {
        return jdbc.sql("SELECT count(*) FROM crawl_jobs WHERE site_id = ?")
                .param(site)
                .query(Integer.class)
                .single();
    }
}
