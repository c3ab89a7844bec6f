package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * What the crawler's fetcher does with what a site answers, against a raw HTTP server on loopback
 * that answers exactly what each test writes, misbehaviour included: which statuses make a page
 * gone, worth another try or skipped; how many redirects are followed, and that each hop is checked
 * again; the size cap (declared or not) and the content types, both decided before the body is read
 * where they can be; the request and read deadlines, however slowly a server sends; a name that
 * resolves to another address at connection time; and the polite delay. Limits are tiny, so that
 * every test takes milliseconds (those about deadlines a few hundred): they run under mutation
 * testing too (README, "Mutation testing").
 */
class PageFetcherTests {

    private static final AllowedHosts LOOPBACK = new AllowedHosts(Set.of("127.0.0.1"), false);

    /** No robots.txt and no delay: for tests of the fetch itself. */
    static final PageFetcher.Politeness ANYTHING_GOES = PageFetcher.Politeness.unchecked(Duration.ZERO);

    private final List<PageFetcher> fetchers = new ArrayList<>();
    private final List<RawServer> servers = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        fetchers.forEach(PageFetcher::destroy);
        for (var server : servers) {
            server.close();
        }
    }

    /**
     * OkHttp's own socket and call timeouts are set from the sum of the two, so a short one next to
     * a long one shows that the short one is enforced by the fetcher's deadlines.
     */
    private PageFetcher fetcher(Duration requestTimeout, Duration readTimeout) {
        return fetcher(Map.of(
                "yuno.knowledge.crawler.request-timeout", requestTimeout.toMillis() + "ms",
                "yuno.knowledge.crawler.read-timeout", readTimeout.toMillis() + "ms"));
    }

    private PageFetcher fetcher(Map<String, String> properties) {
        return fetcher(properties, new UrlGuard(false, InetAddress::isLoopbackAddress));
    }

    private PageFetcher fetcher(Map<String, String> properties, UrlGuard guard) {
        var all = new HashMap<String, String>(Map.of(
                "yuno.knowledge.crawler.request-timeout", "5s",
                "yuno.knowledge.crawler.read-timeout", "5s",
                "yuno.knowledge.crawler.max-page-bytes", "2KB",
                "yuno.knowledge.crawler.max-redirects", "2",
                "yuno.knowledge.crawler.user-agent", "TestBot/1.0"));
        all.putAll(properties);
        var fetcher = new PageFetcher(settings(all), guard, new HostThrottle());
        fetchers.add(fetcher);
        return fetcher;
    }

    private RawServer server() throws IOException {
        var server = new RawServer();
        servers.add(server);
        return server;
    }

    private static PageFetcher.Outcome get(PageFetcher fetcher, URI url) throws InterruptedException {
        return fetcher.fetch(url, LOOPBACK, ANYTHING_GOES, PageFetcher.PAGE_TYPES);
    }

    private static PageFetcher.Failed failed(PageFetcher.Outcome outcome) {
        assertThat(outcome).isInstanceOf(PageFetcher.Failed.class);
        return (PageFetcher.Failed) outcome;
    }

    private static PageFetcher.Fetched fetched(PageFetcher.Outcome outcome) {
        assertThat(outcome).isInstanceOf(PageFetcher.Fetched.class);
        return (PageFetcher.Fetched) outcome;
    }

    private static final String PAGE = "<html><body><p>A page</p></body></html>";

    @Test
    void theStatusDecidesWhetherAPageIsKeptGoneWorthAnotherTryOrSkipped() throws Exception {
        var web = server();
        var fetcher = fetcher(Map.of());
        var expected = new java.util.LinkedHashMap<Integer, PageFetcher.Failure>();
        expected.put(200, null);
        expected.put(203, null);
        expected.put(201, PageFetcher.Failure.SKIPPED);
        expected.put(202, PageFetcher.Failure.SKIPPED);
        expected.put(299, PageFetcher.Failure.SKIPPED);
        expected.put(304, PageFetcher.Failure.SKIPPED);
        expected.put(400, PageFetcher.Failure.SKIPPED);
        expected.put(403, PageFetcher.Failure.SKIPPED);
        expected.put(404, PageFetcher.Failure.GONE);
        expected.put(410, PageFetcher.Failure.GONE);
        expected.put(409, PageFetcher.Failure.SKIPPED);
        expected.put(411, PageFetcher.Failure.SKIPPED);
        expected.put(428, PageFetcher.Failure.SKIPPED);
        expected.put(429, PageFetcher.Failure.TRANSIENT);
        expected.put(430, PageFetcher.Failure.SKIPPED);
        expected.put(499, PageFetcher.Failure.SKIPPED);
        expected.put(500, PageFetcher.Failure.TRANSIENT);
        expected.put(503, PageFetcher.Failure.TRANSIENT);
        expected.put(599, PageFetcher.Failure.TRANSIENT);
        for (var entry : expected.entrySet()) {
            int status = entry.getKey();
            var body = status == 304 ? "" : PAGE;
            // A Location on a status that is no redirect is not followed.
            web.answer("/" + status, RawServer.reply(status, "text/html", body, "Location: /elsewhere"));
            var outcome = get(fetcher, web.url("/" + status));
            if (entry.getValue() == null) {
                assertThat(fetched(outcome).text()).as("HTTP " + status).isEqualTo(PAGE);
            } else {
                var failed = failed(outcome);
                assertThat(failed.kind()).as("HTTP " + status).isEqualTo(entry.getValue());
                assertThat(failed.reason()).isEqualTo("HTTP " + status);
                assertThat(failed.status()).isEqualTo(status);
                assertThat(failed.url()).isEqualTo(web.url("/" + status));
            }
        }
        assertThat(web.requested()).doesNotContain("/elsewhere");
    }

    @Test
    void everyStatusFrom300To399ButNotModifiedIsARedirect() throws Exception {
        var web = server();
        var fetcher = fetcher(Map.of());
        web.answer("/target", RawServer.reply(200, "text/html", PAGE));
        for (var status : List.of(300, 301, 302, 303, 307, 308, 399)) {
            web.answer("/" + status, RawServer.reply(status, "text/html", "", "Location: /target"));

            assertThat(fetched(get(fetcher, web.url("/" + status))).url())
                    .as("HTTP " + status)
                    .isEqualTo(web.url("/target"));
        }
    }

    @Test
    void redirectsAreFollowedUpToTheLimitAndNoFurther() throws Exception {
        var web = server();
        web.answer("/a", RawServer.reply(301, "text/html", "", "Location: /b"));
        web.answer("/b", RawServer.reply(302, "text/html", "", "Location: /c"));
        web.answer("/c", RawServer.reply(307, "text/html", "", "Location: /d"));
        web.answer("/d", RawServer.reply(200, "text/html", PAGE));

        var two = fetcher(Map.of("yuno.knowledge.crawler.max-redirects", "2"));
        assertThat(fetched(get(two, web.url("/b"))).url()).isEqualTo(web.url("/d"));
        var tooMany = failed(get(two, web.url("/a")));
        assertThat(tooMany.kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
        assertThat(tooMany.reason()).isEqualTo("too many redirects");
        assertThat(tooMany.url()).as("the URL asked for").isEqualTo(web.url("/a"));
        assertThat(tooMany.status()).isEqualTo(307);

        web.requested().clear();
        var none = fetcher(Map.of("yuno.knowledge.crawler.max-redirects", "0"));
        assertThat(failed(get(none, web.url("/c"))).reason()).isEqualTo("too many redirects");
        assertThat(web.requested()).containsExactly("/c");
    }

    @Test
    void aRedirectIsResolvedAgainstThePageAndNormalized() throws Exception {
        var web = server();
        var fetcher = fetcher(Map.of());
        web.answer("/dir/page", RawServer.reply(301, "text/html", "", "Location:  next?x=1#part "));
        web.answer("/dir/next?x=1", RawServer.reply(200, "text/html", PAGE));
        web.answer(
                "/upper",
                RawServer.reply(301, "text/html", "", "Location: HTTP://127.0.0.1:" + web.port() + "/dir/next?x=1"));

        assertThat(fetched(get(fetcher, web.url("/dir/page"))).url()).isEqualTo(web.url("/dir/next?x=1"));
        assertThat(fetched(get(fetcher, web.url("/upper"))).url()).isEqualTo(web.url("/dir/next?x=1"));
    }

    @Test
    void aRedirectWithoutALocationOrToAnInvalidUrlIsSkipped() throws Exception {
        var web = server();
        var fetcher = fetcher(Map.of());
        web.answer("/none", RawServer.reply(302, "text/html", ""));
        web.answer("/invalid", RawServer.reply(302, "text/html", "", "Location: http://[bad/"));

        var none = failed(get(fetcher, web.url("/none")));
        assertThat(none.reason()).isEqualTo("redirect without a location");
        assertThat(none.kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
        assertThat(none.status()).isEqualTo(302);
        var invalid = failed(get(fetcher, web.url("/invalid")));
        assertThat(invalid.reason()).isEqualTo("redirect to an invalid URL");
        assertThat(invalid.kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
        assertThat(invalid.status()).isEqualTo(302);
    }

    @Test
    void everyHopIsCheckedLikeTheFirstUrl() throws Exception {
        var web = server();
        var fetcher = fetcher(Map.of());
        web.answer("/out", RawServer.reply(301, "text/html", "", "Location: http://evil.example/"));
        web.answer("/private", RawServer.reply(301, "text/html", "", "Location: ftp://127.0.0.1/"));
        web.answer("/nohost", RawServer.reply(301, "text/html", "", "Location: http:///etc/passwd"));

        var outside = failed(get(fetcher, web.url("/out")));
        assertThat(outside.kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
        assertThat(outside.url()).isEqualTo(URI.create("http://evil.example/"));
        assertThat(outside.reason())
                .isEqualTo("redirected: The URL's host evil.example is not one of the site's domains.");
        assertThat(failed(get(fetcher, web.url("/private"))).reason())
                .isEqualTo("redirected: Only http and https URLs can be crawled.");
        assertThat(failed(get(fetcher, web.url("/nohost"))).reason())
                .isEqualTo("redirected: url must be an absolute URL with a host name.");

        var first = failed(get(fetcher, URI.create("http://evil.example/")));
        assertThat(first.reason()).isEqualTo("The URL's host evil.example is not one of the site's domains.");
    }

    @Test
    void aUrlThatJavaAcceptsButNoHttpClientCouldSendIsSkipped() throws Exception {
        var fetcher = fetcher(Map.of());

        var outcome = get(fetcher, URI.create("http://127.0.0.1:70000/"));

        assertThat(failed(outcome).reason()).isEqualTo("not an http(s) URL");
        assertThat(failed(outcome).kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
    }

    @Test
    void aSitesNameIsConnectedToAtTheAddressTheGuardChecked() throws Exception {
        var web = server();
        web.answer("/", RawServer.reply(200, "text/html", PAGE));
        var guard = new UrlGuard(false, InetAddress::isLoopbackAddress, host ->
                new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})});
        var fetcher = fetcher(Map.of(), guard);

        var outcome = fetcher.fetch(
                URI.create("http://shop.example:" + web.port() + "/"),
                new AllowedHosts(Set.of("shop.example"), false),
                ANYTHING_GOES,
                PageFetcher.PAGE_TYPES);

        assertThat(fetched(outcome).text()).isEqualTo(PAGE);
        assertThat(web.heads())
                .singleElement()
                .satisfies(head -> assertThat(head.get("host")).isEqualTo("shop.example:" + web.port()));
    }

    @Test
    void aServerThatNeverAcceptsTheConnectionIsGivenUpAtTheConnectTimeout() throws Exception {
        // A listening socket that accepts nothing: once its backlog is full, Linux drops further
        // connection attempts, and a connect waits until its timeout.
        try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var address = new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            var held = new ArrayList<Socket>();
            try {
                while (held.size() < 20) {
                    var socket = new Socket();
                    held.add(socket);
                    try {
                        socket.connect(address, 200);
                    } catch (java.net.SocketTimeoutException full) {
                        break;
                    }
                }
                var fetcher = fetcher(Map.of(
                        "yuno.knowledge.crawler.connect-timeout", "200ms",
                        "yuno.knowledge.crawler.request-timeout", "10s"));
                var started = System.nanoTime();

                var failed = failed(get(fetcher, URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/")));

                assertThat(failed.kind()).isEqualTo(PageFetcher.Failure.TRANSIENT);
                assertThat(failed.reason()).isEqualTo("timed out");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            } finally {
                for (var socket : held) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void robotsTxtIsAskedBeforeEveryHopAndADisallowedOneIsNotRequested() throws Exception {
        var web = server();
        var fetcher = fetcher(Map.of());
        web.answer("/open", RawServer.reply(301, "text/html", "", "Location: /private/page"));
        web.answer("/private/page", RawServer.reply(200, "text/html", PAGE));
        var robots = new PageFetcher.Politeness() {
            @Override
            public boolean allows(URI url) {
                return !url.getPath().startsWith("/private");
            }

            @Override
            public Duration delay(URI url) {
                return Duration.ZERO;
            }
        };

        var direct = failed(fetcher.fetch(web.url("/private/page"), LOOPBACK, robots, PageFetcher.PAGE_TYPES));
        var redirected = failed(fetcher.fetch(web.url("/open"), LOOPBACK, robots, PageFetcher.PAGE_TYPES));

        assertThat(direct.reason()).isEqualTo("disallowed by robots.txt");
        assertThat(direct.kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
        assertThat(redirected.reason()).isEqualTo("disallowed by robots.txt");
        assertThat(redirected.url()).isEqualTo(web.url("/private/page"));
        assertThat(web.requested()).containsExactly("/open");
    }

    @Test
    void aBodyOfExactlyTheCapIsKeptAndOneByteMoreIsDroppedWhetherItsLengthIsDeclaredOrNot() throws Exception {
        var web = server();
        var fetcher = fetcher(Map.of("yuno.knowledge.crawler.max-page-bytes", "2KB"));
        var exact = "x".repeat(2048);
        var over = "x".repeat(2049);
        web.answer("/exact", RawServer.reply(200, "text/plain", exact));
        web.answer("/over", RawServer.reply(200, "text/plain", over));
        web.answer("/exact-chunked", RawServer.chunked(200, "text/plain", exact));
        web.answer("/over-chunked", RawServer.chunked(200, "text/plain", over));

        assertThat(fetched(get(fetcher, web.url("/exact"))).body()).hasSize(2048);
        assertThat(fetched(get(fetcher, web.url("/exact-chunked"))).body()).hasSize(2048);
        for (var path : List.of("/over", "/over-chunked")) {
            var failed = failed(get(fetcher, web.url(path)));
            assertThat(failed.kind()).as(path).isEqualTo(PageFetcher.Failure.SKIPPED);
            assertThat(failed.reason()).as(path).isEqualTo("larger than 2 KiB");
            assertThat(failed.status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void aDeclaredLengthOverTheCapOrAnUnwantedTypeIsRefusedWithoutWaitingForTheBody() throws Exception {
        var web = server();
        // Heads only: a fetcher that read on would wait for the 300 ms read deadline and time out.
        web.answer(
                "/huge",
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 200000\r\n\r\n<html>"
                        .getBytes(StandardCharsets.US_ASCII));
        web.answer(
                "/pdf",
                "HTTP/1.1 200 OK\r\nContent-Type: Application/PDF; name=x\r\nContent-Length: 1000\r\n\r\n%PDF"
                        .getBytes(StandardCharsets.US_ASCII));
        var fetcher = fetcher(Duration.ofSeconds(5), Duration.ofMillis(300));

        var huge = failed(get(fetcher, web.url("/huge")));
        var pdf = failed(get(fetcher, web.url("/pdf")));

        assertThat(huge.reason()).isEqualTo("larger than 2 KiB");
        assertThat(pdf.reason()).isEqualTo("unsupported content type application/pdf");
        assertThat(pdf.kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
        assertThat(pdf.status()).isEqualTo(200);
    }

    @Test
    void onlyTheTypesAskedForAreKeptAndTheAcceptHeaderNamesThem() throws Exception {
        var web = server();
        var fetcher = fetcher(Map.of());
        web.answer("/feed", RawServer.reply(200, "application/rss+xml", "<rss/>"));
        web.answer("/xhtml", RawServer.reply(200, "application/xhtml+xml", PAGE));

        assertThat(failed(get(fetcher, web.url("/feed"))).reason())
                .isEqualTo("unsupported content type application/rss+xml");
        assertThat(fetched(get(fetcher, web.url("/xhtml"))).mediaType()).isEqualTo("application/xhtml+xml");
        var sitemap = fetcher.fetch(web.url("/feed"), LOOPBACK, ANYTHING_GOES, PageFetcher.SITEMAP_TYPES);
        assertThat(failed(sitemap).reason()).isEqualTo("unsupported content type application/rss+xml");
        var anything = fetched(fetcher.fetch(web.url("/feed"), LOOPBACK, ANYTHING_GOES, Set.of()));
        assertThat(anything.mediaType()).isEqualTo("application/rss+xml");

        assertThat(web.heads())
                .extracting(head -> head.get("accept"))
                .containsExactly(
                        "application/xhtml+xml, text/html, text/plain",
                        "application/xhtml+xml, text/html, text/plain",
                        "application/xml, text/xml",
                        "*/*");
        assertThat(web.heads())
                .allSatisfy(head -> assertThat(head.get("user-agent")).isEqualTo("TestBot/1.0"));
    }

    @Test
    void theTypeAndCharsetAreReadFromTheHeaderWhateverTheirCase() throws Exception {
        var web = server();
        var fetcher = fetcher(Map.of());
        web.answer(
                "/latin",
                RawServer.reply(
                        200, "Text/HTML ; charset=ISO-8859-1", "<p>café</p>".getBytes(StandardCharsets.ISO_8859_1)));
        web.answer("/utf8", RawServer.reply(200, "text/plain", "café"));

        var latin = fetched(get(fetcher, web.url("/latin")));
        assertThat(latin.mediaType()).isEqualTo("text/html");
        assertThat(latin.text()).isEqualTo("<p>café</p>");
        var utf8 = fetched(get(fetcher, web.url("/utf8")));
        assertThat(utf8.charset()).isNull();
        assertThat(utf8.text()).as("UTF-8 when none is named").isEqualTo("café");
    }

    @Test
    void withoutAContentTypeTheBodyTellsWhatItIs() throws Exception {
        var web = server();
        var fetcher = fetcher(Map.of());
        var bodies = Map.of(
                "/doctype", "  <!DOCTYPE html><html><p>x</p></html>",
                "/html", "\n<HTML><p>x</p></HTML>",
                "/body", "<div>x</div><body>y</body>",
                "/urlset", " <?xml version=\"1.0\"?><urlset><url><loc>/a</loc></url></urlset>",
                "/index", "<?xml version=\"1.0\"?><sitemapindex></sitemapindex>",
                "/rss", "<?xml version=\"1.0\"?><rss></rss>",
                "/late", "x".repeat(600) + "<body>y</body>",
                "/text", "just text");
        bodies.forEach((path, body) -> web.answer(path, RawServer.reply(200, null, body)));
        var types = Set.of("text/html", "application/xml", "application/octet-stream");

        var sniffed = new HashMap<String, String>();
        for (var path : bodies.keySet()) {
            sniffed.put(
                    path,
                    fetched(fetcher.fetch(web.url(path), LOOPBACK, ANYTHING_GOES, types))
                            .mediaType());
        }

        assertThat(sniffed)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "/doctype", "text/html",
                        "/html", "text/html",
                        "/body", "text/html",
                        "/urlset", "application/xml",
                        "/index", "application/xml",
                        "/rss", "application/octet-stream",
                        "/late", "application/octet-stream",
                        "/text", "application/octet-stream"));
        assertThat(failed(get(fetcher, web.url("/rss"))).reason())
                .as("a sniffed type is checked like a declared one")
                .isEqualTo("unsupported content type application/octet-stream");
    }

    @Test
    void aServerThatIsNotThereOrHangsUpIsWorthAnotherTry() throws Exception {
        var fetcher = fetcher(Map.of());
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var refused = failed(get(fetcher, URI.create("http://127.0.0.1:" + closedPort + "/")));
        assertThat(refused.kind()).isEqualTo(PageFetcher.Failure.TRANSIENT);
        assertThat(refused.reason()).isEqualTo("could not connect");

        var web = server();
        web.answer(
                "/cut",
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<html>"
                        .getBytes(StandardCharsets.US_ASCII));
        web.hangUpAfterReply();
        var cut = failed(get(fetcher, web.url("/cut")));
        assertThat(cut.kind()).isEqualTo(PageFetcher.Failure.TRANSIENT);
        assertThat(cut.reason()).isEqualTo("could not read the body");
        assertThat(cut.status()).isZero();
    }

    @Test
    void aNameThatResolvesToAPrivateAddressAtConnectionTimeIsNotConnectedTo() throws Exception {
        var web = server();
        web.answer("/", RawServer.reply(200, "text/html", PAGE));
        // Public for the check, loopback a moment later for the connection: DNS rebinding.
        var lookups = new AtomicInteger();
        var guard = new UrlGuard(
                false,
                address -> false,
                host -> lookups.getAndIncrement() == 0
                        ? new InetAddress[] {InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 216, 34})
                        }
                        : new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})});
        var fetcher = fetcher(Map.of(), guard);

        var outcome = fetcher.fetch(
                URI.create("http://rebind.example:" + web.port() + "/"),
                new AllowedHosts(Set.of("rebind.example"), false),
                ANYTHING_GOES,
                PageFetcher.PAGE_TYPES);

        var failed = failed(outcome);
        assertThat(failed.kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
        assertThat(failed.reason()).isEqualTo("The URL's host resolves to an address the crawler may not reach.");
        assertThat(lookups.get()).isEqualTo(2);
        assertThat(web.requested()).isEmpty();
    }

    @Test
    void aBodyThatTricklesIsGivenUpAtTheReadTimeout() throws Exception {
        // A byte every 50 ms never trips a socket's idle timeout; only a deadline on the whole body ends it.
        var web = server();
        web.answer(
                "/slow",
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2000\r\n\r\n<html><body>"
                        .getBytes(StandardCharsets.US_ASCII));
        web.trickle(Duration.ofMillis(50));
        var fetcher = fetcher(Duration.ofSeconds(20), Duration.ofMillis(300));
        var started = System.nanoTime();
        var outcome = get(fetcher, web.url("/slow"));
        var elapsed = Duration.ofNanos(System.nanoTime() - started);

        var failed = failed(outcome);
        assertThat(failed.kind()).isEqualTo(PageFetcher.Failure.TRANSIENT);
        assertThat(failed.reason()).isEqualTo("timed out reading the body");
        assertThat(elapsed)
                .as("the 300 ms read timeout, with room for a busy machine, not the 20 s backstop")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void headersThatTrickleAreGivenUpAtTheRequestTimeout() throws Exception {
        var web = server();
        web.answer("/slow", "HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        web.trickle(Duration.ofMillis(50));
        var fetcher = fetcher(Duration.ofMillis(300), Duration.ofSeconds(20));
        var started = System.nanoTime();
        var outcome = get(fetcher, web.url("/slow"));
        var elapsed = Duration.ofNanos(System.nanoTime() - started);

        var failed = failed(outcome);
        assertThat(failed.kind()).isEqualTo(PageFetcher.Failure.TRANSIENT);
        assertThat(failed.reason()).isEqualTo("timed out");
        assertThat(elapsed)
                .as("the 300 ms request timeout, with room for a busy machine, not the 20 s backstop")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theRequestTimeoutEndsWithTheHeadersAndDoesNotCutTheBody() throws Exception {
        var web = server();
        // Headers at once, then a body of 8 bytes over about 400 ms: past the request timeout, within the read timeout.
        web.answer(
                "/body",
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
        web.trickle(Duration.ofMillis(50), 8);
        var fetcher = fetcher(Duration.ofMillis(150), Duration.ofSeconds(5));

        assertThat(fetched(get(fetcher, web.url("/body"))).text()).isEqualTo("xxxxxxxx");
    }

    @Test
    void anInterruptedFetchEndsAsAStopNotAsAFailedPage() throws Exception {
        var web = server();
        web.answer(
                "/slow",
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2000\r\n\r\n<html><body>"
                        .getBytes(StandardCharsets.US_ASCII));
        web.trickle(Duration.ofSeconds(5));
        var fetcher = fetcher(Duration.ofSeconds(30), Duration.ofSeconds(30));
        var caught = new AtomicReference<Object>();
        var crawl = Thread.ofVirtual().start(() -> {
            try {
                caught.set(get(fetcher, web.url("/slow")));
            } catch (InterruptedException e) {
                caught.set(e);
            }
        });
        web.awaitRequest();
        Thread.sleep(200);
        crawl.interrupt();
        crawl.join(Duration.ofSeconds(10));

        assertThat(caught.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void anInterruptWhileConnectingEndsAsAStopToo() throws Exception {
        var web = server();
        web.answer("/slow", "HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        web.trickle(Duration.ofSeconds(5));
        var fetcher = fetcher(Duration.ofSeconds(30), Duration.ofSeconds(30));
        var caught = new AtomicReference<Object>();
        var crawl = Thread.ofVirtual().start(() -> {
            try {
                caught.set(get(fetcher, web.url("/slow")));
            } catch (InterruptedException e) {
                caught.set(e);
            }
        });
        web.awaitRequest();
        Thread.sleep(200);
        crawl.interrupt();
        crawl.join(Duration.ofSeconds(10));

        assertThat(caught.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void requestsToOneHostAreSpacedByThePoliteDelay() throws Exception {
        var web = server();
        web.answer("/", RawServer.reply(200, "text/html", PAGE));
        var fetcher = fetcher(Map.of());

        var started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            fetched(fetcher.fetchUnchecked(web.url("/"), LOOPBACK, Duration.ofMillis(150), PageFetcher.PAGE_TYPES));
        }
        var elapsed = Duration.ofNanos(System.nanoTime() - started);

        // Three requests to one host: the second and the third each wait their 150 ms.
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(web.requested()).containsExactly("/", "/", "/");
    }

    @Test
    void aStoppedFetcherLeavesNoConnectionOrThreadBehind() throws Exception {
        var web = server();
        web.answer("/", RawServer.reply(200, "text/html", PAGE));
        var before = deadlineThreads();
        var fetcher = fetcher(Map.of());
        fetched(get(fetcher, web.url("/")));
        var started = deadlineThreads();
        started.removeAll(before);
        assertThat(web.openConnections()).as("kept alive for the next page").isEqualTo(1);

        fetcher.destroy();

        assertThat(web.awaitNoOpenConnections(Duration.ofSeconds(5))).isTrue();
        assertThat(started).isNotEmpty();
        for (var thread : started) {
            thread.join(Duration.ofSeconds(5));
            assertThat(thread.isAlive()).isFalse();
        }
    }

    private static Set<Thread> deadlineThreads() {
        var threads = new java.util.HashSet<Thread>();
        for (var thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("crawl-read-deadline")) {
                threads.add(thread);
            }
        }
        return threads;
    }

    @Test
    void urlsAreComparedInOneFormAndHostsThrottledWithTheirPort() {
        assertThat(PageFetcher.normalize(URI.create("HTTP://Example.COM:80/A?b=C#frag")))
                .isEqualTo(URI.create("http://example.com/A?b=C"));
        assertThat(PageFetcher.normalize(URI.create("https://example.com:443")))
                .isEqualTo(URI.create("https://example.com/"));
        assertThat(PageFetcher.normalize(URI.create("http://example.com:443/")))
                .isEqualTo(URI.create("http://example.com:443/"));
        assertThat(PageFetcher.normalize(URI.create("https://example.com:80/")))
                .isEqualTo(URI.create("https://example.com:80/"));
        assertThat(PageFetcher.normalize(URI.create("http://example.com:8080/a%20b")))
                .isEqualTo(URI.create("http://example.com:8080/a%20b"));

        assertThat(PageFetcher.normalize(URI.create("http://example.com:0/")))
                .isEqualTo(URI.create("http://example.com:0/"));

        assertThat(PageFetcher.hostKey(URI.create("http://Example.com/"))).isEqualTo("example.com:80");
        assertThat(PageFetcher.hostKey(URI.create("http://example.com:0/"))).isEqualTo("example.com:0");
        assertThat(PageFetcher.hostKey(URI.create("HTTPS://example.com/"))).isEqualTo("example.com:443");
        assertThat(PageFetcher.hostKey(URI.create("https://example.com:8443/"))).isEqualTo("example.com:8443");
    }

    static KnowledgeSettings settings(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("yuno.knowledge", KnowledgeSettings.class);
    }

    /**
     * An HTTP/1.1 server on loopback that answers each path with the bytes a test set, and keeps the
     * connection for the next request. It can then trickle one byte of filler every {@code pace}
     * (for deadlines), or hang up after the reply (a connection lost mid-body). It logs every path
     * and request head.
     */
    static final class RawServer implements AutoCloseable {

        private final ServerSocket socket;
        private final Thread acceptor;
        private final Map<String, byte[]> answers = new ConcurrentHashMap<>();
        private final List<String> requested = new CopyOnWriteArrayList<>();
        private final List<Map<String, String>> heads = new CopyOnWriteArrayList<>();
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private final Set<Thread> serving = ConcurrentHashMap.newKeySet();
        private final CountDownLatch firstRequest = new CountDownLatch(1);
        private volatile Duration pace;
        private volatile int trickled = 500;
        private volatile boolean hangUp;

        RawServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        var connection = socket.accept();
                        open.add(connection);
                        serving.add(Thread.ofVirtual().start(() -> serve(connection)));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        static byte[] reply(int status, String contentType, String body, String... headers) {
            return reply(status, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
        }

        static byte[] reply(int status, String contentType, byte[] body, String... headers) {
            var head = new StringBuilder("HTTP/1.1 " + status + " Whatever\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            for (var header : headers) {
                head.append(header).append("\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            var out = new ByteArrayOutputStream();
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(body);
            return out.toByteArray();
        }

        /** A body sent in chunks of 100 bytes, so that its length is known only at its end. */
        static byte[] chunked(int status, String contentType, String body) {
            var out = new StringBuilder("HTTP/1.1 " + status + " OK\r\nContent-Type: " + contentType
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < body.length(); i += 100) {
                var chunk = body.substring(i, Math.min(body.length(), i + 100));
                out.append(Integer.toHexString(chunk.length()))
                        .append("\r\n")
                        .append(chunk)
                        .append("\r\n");
            }
            out.append("0\r\n\r\n");
            return out.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        void answer(String path, byte[] bytes) {
            answers.put(path, bytes);
        }

        void trickle(Duration pace) {
            this.pace = pace;
        }

        void trickle(Duration pace, int bytes) {
            this.trickled = bytes;
            this.pace = pace;
        }

        void hangUpAfterReply() {
            hangUp = true;
        }

        int port() {
            return socket.getLocalPort();
        }

        URI url(String path) {
            return URI.create("http://127.0.0.1:" + port() + path);
        }

        List<String> requested() {
            return requested;
        }

        /** Each request's headers, names in lower case. */
        List<Map<String, String>> heads() {
            return heads;
        }

        void awaitRequest() throws InterruptedException {
            firstRequest.await(10, TimeUnit.SECONDS);
        }

        int openConnections() {
            return open.size();
        }

        boolean awaitNoOpenConnections(Duration within) throws InterruptedException {
            var until = System.nanoTime() + within.toNanos();
            while (!open.isEmpty()) {
                if (System.nanoTime() - until > 0) {
                    return false;
                }
                Thread.sleep(10);
            }
            return true;
        }

        private void serve(Socket connection) {
            try (connection) {
                var in = connection.getInputStream();
                var out = connection.getOutputStream();
                String head;
                while ((head = readHead(in)) != null) {
                    var lines = head.split("\r\n");
                    var path = lines[0].split(" ")[1];
                    var headers = new HashMap<String, String>();
                    for (int i = 1; i < lines.length; i++) {
                        var colon = lines[i].indexOf(':');
                        headers.put(
                                lines[i].substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT),
                                lines[i].substring(colon + 1).strip());
                    }
                    requested.add(path);
                    heads.add(headers);
                    firstRequest.countDown();
                    out.write(answers.getOrDefault(path, reply(404, "text/html", "<h1>Not found</h1>")));
                    out.flush();
                    if (hangUp) {
                        return;
                    }
                    if (pace != null) {
                        trickle(out);
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // The fetcher hung up, or the test is over.
            } finally {
                open.remove(connection);
            }
        }

        private void trickle(OutputStream out) throws IOException, InterruptedException {
            for (int i = 0; i < trickled; i++) {
                Thread.sleep(pace);
                out.write('x');
                out.flush();
            }
            // A complete body: wait for the fetcher to hang up or ask again.
            Thread.sleep(Duration.ofSeconds(30));
        }

        /** The request line and headers, or null at the end of the connection. */
        private static String readHead(InputStream in) throws IOException {
            var head = new ByteArrayOutputStream();
            int matched = 0;
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
                if (matched == 4) {
                    var text = head.toString(StandardCharsets.ISO_8859_1);
                    return text.substring(0, text.length() - 4);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            acceptor.interrupt();
            serving.forEach(Thread::interrupt);
            for (var connection : open) {
                connection.close();
            }
        }
    }
}
