package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The fetcher's own deadlines against a raw socket server on loopback that misbehaves on purpose:
 * the request and read timeouts bound a fetch however slowly the server sends, not just while it
 * sends nothing at all.
 */
class PageFetcherTests {

    private static final AllowedHosts LOOPBACK = new AllowedHosts(Set.of("127.0.0.1"), false);

    /** No robots.txt and no delay: for tests of the fetch itself. */
    static final PageFetcher.Politeness ANYTHING_GOES = PageFetcher.Politeness.unchecked(Duration.ZERO);

    private PageFetcher fetcher;

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
        fetcher = new PageFetcher(
                settings(properties), new UrlGuard(false, InetAddress::isLoopbackAddress), new HostThrottle());
        return fetcher;
    }

    @Test
    void aPageOverTheSizeCapIsDroppedAndOneUnderItKept() throws Exception {
        try (var web = new TestWebSite()) {
            web.page("/big", "<html><body><p>" + "x".repeat(5_000) + "</p></body></html>")
                    .page("/small", "<html><body><p>Small page</p></body></html>");
            var pageFetcher = fetcher(Map.of("yuno.knowledge.crawler.max-page-bytes", "4KB"));

            var big = pageFetcher.fetch(URI.create(web.url("/big")), LOOPBACK, ANYTHING_GOES, PageFetcher.PAGE_TYPES);
            var small =
                    pageFetcher.fetch(URI.create(web.url("/small")), LOOPBACK, ANYTHING_GOES, PageFetcher.PAGE_TYPES);

            assertThat(big).isInstanceOfSatisfying(PageFetcher.Failed.class, failed -> {
                assertThat(failed.kind()).isEqualTo(PageFetcher.Failure.SKIPPED);
                assertThat(failed.reason()).isEqualTo("larger than 4 KiB");
            });
            assertThat(small).isInstanceOf(PageFetcher.Fetched.class);
        }
    }

    @Test
    void requestsToOneHostAreSpacedByThePoliteDelay() throws Exception {
        try (var web = new TestWebSite()) {
            web.page("/", "<html><body><p>Home</p></body></html>");
            var pageFetcher = fetcher(Map.of());
            var polite = PageFetcher.Politeness.unchecked(Duration.ofMillis(400));

            var started = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                assertThat(pageFetcher.fetch(URI.create(web.url("/")), LOOPBACK, polite, PageFetcher.PAGE_TYPES))
                        .isInstanceOf(PageFetcher.Fetched.class);
            }
            var elapsed = Duration.ofNanos(System.nanoTime() - started);

            // Three requests to one host: the second and the third each wait their 400 ms.
            assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(800));
            assertThat(web.requested()).containsExactly("/", "/", "/");
        }
    }

    @AfterEach
    void close() {
        if (fetcher != null) {
            fetcher.destroy();
        }
    }

    @Test
    void aBodyThatTricklesIsGivenUpAtTheReadTimeout() throws Exception {
        // A byte every 100 ms never trips a socket's idle timeout; only a deadline on the whole body ends it.
        try (var server = new MisbehavingServer(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><body>",
                Duration.ofMillis(100))) {
            var pageFetcher = fetcher(Duration.ofSeconds(30), Duration.ofSeconds(1));
            var started = System.nanoTime();
            var outcome = pageFetcher.fetch(server.url(), LOOPBACK, ANYTHING_GOES, PageFetcher.PAGE_TYPES);
            var elapsed = Duration.ofNanos(System.nanoTime() - started);

            assertThat(outcome).isInstanceOfSatisfying(PageFetcher.Failed.class, failed -> {
                assertThat(failed.kind()).isEqualTo(PageFetcher.Failure.TRANSIENT);
                assertThat(failed.reason()).isEqualTo("timed out reading the body");
            });
            assertThat(elapsed)
                    .as("the 1 s read timeout, with room for a busy machine, not the 31 s backstop")
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void headersThatTrickleAreGivenUpAtTheRequestTimeout() throws Exception {
        try (var server = new MisbehavingServer("HTTP/1.1 200 OK\r\nX-Slow: ", Duration.ofMillis(100))) {
            var pageFetcher = fetcher(Duration.ofSeconds(1), Duration.ofSeconds(30));
            var started = System.nanoTime();
            var outcome = pageFetcher.fetch(server.url(), LOOPBACK, ANYTHING_GOES, PageFetcher.PAGE_TYPES);
            var elapsed = Duration.ofNanos(System.nanoTime() - started);

            assertThat(outcome).isInstanceOfSatisfying(PageFetcher.Failed.class, failed -> {
                assertThat(failed.kind()).isEqualTo(PageFetcher.Failure.TRANSIENT);
                assertThat(failed.reason()).isEqualTo("timed out");
            });
            assertThat(elapsed)
                    .as("the 1 s request timeout, with room for a busy machine, not the 31 s backstop")
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void anInterruptedFetchEndsAsAStopNotAsAFailedPage() throws Exception {
        try (var server = new MisbehavingServer(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><body>",
                Duration.ofSeconds(5))) {
            var pageFetcher = fetcher(Duration.ofSeconds(30), Duration.ofSeconds(30));
            var caught = new java.util.concurrent.atomic.AtomicReference<Object>();
            var crawl = Thread.ofVirtual().start(() -> {
                try {
                    caught.set(pageFetcher.fetch(server.url(), LOOPBACK, ANYTHING_GOES, PageFetcher.PAGE_TYPES));
                } catch (InterruptedException e) {
                    caught.set(e);
                }
            });
            server.awaitRequest();
            Thread.sleep(200);
            crawl.interrupt();
            crawl.join(Duration.ofSeconds(10));

            assertThat(caught.get()).isInstanceOf(InterruptedException.class);
        }
    }

    static KnowledgeSettings settings(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("yuno.knowledge", KnowledgeSettings.class);
    }

    /** Answers one request with {@code head}, then one byte of filler every {@code pace}, for ever. */
    private static final class MisbehavingServer implements AutoCloseable {

        private final ServerSocket socket;
        private final Thread thread;
        private final java.util.concurrent.CountDownLatch requested = new java.util.concurrent.CountDownLatch(1);

        MisbehavingServer(String head, Duration pace) throws IOException {
            socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            thread = Thread.ofVirtual().start(() -> {
                try (var connection = socket.accept()) {
                    connection.getInputStream().read(new byte[8192]);
                    requested.countDown();
                    var out = connection.getOutputStream();
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    for (int i = 0; i < 500; i++) {
                        Thread.sleep(pace);
                        out.write('x');
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // The fetcher hung up, or the test is over.
                }
            });
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/slow");
        }

        void awaitRequest() throws InterruptedException {
            requested.await();
        }

        @Override
        public void close() throws IOException {
            thread.interrupt();
            socket.close();
        }
    }
}
