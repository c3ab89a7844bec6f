package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * GETs one URL for the crawler with OkHttp: redirects followed by hand, each hop checked by the
 * {@link UrlGuard} (scheme, site host, resolved address) and by robots.txt before it is sent, and
 * the connection made only to addresses the guard checked at that moment (OkHttp's {@code Dns} is
 * the guard), which java.net.http cannot do;
 * requests to one host spaced by the {@link HostThrottle}; a connect, response and read deadline;
 * bodies over the size cap and content types not asked for are dropped unread.
 */
@Component
class PageFetcher implements DisposableBean {

    static final Set<String> PAGE_TYPES = Set.of("text/html", "application/xhtml+xml", "text/plain");
    static final Set<String> SITEMAP_TYPES = Set.of("application/xml", "text/xml");

    private final KnowledgeSettings.Crawler settings;
    private final UrlGuard guard;
    private final HostThrottle throttle;
    private final OkHttpClient client;
    private final ScheduledExecutorService deadlines;

    PageFetcher(KnowledgeSettings settings, UrlGuard guard, HostThrottle throttle) {
        this.settings = settings.crawler();
        this.guard = guard;
        this.throttle = throttle;
        this.client = new OkHttpClient.Builder()
                // Connections go only to the addresses the guard has just checked: no second lookup
                // that DNS rebinding could answer differently.
                .dns(this::lookup)
                .proxy(Proxy.NO_PROXY)
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .protocols(List.of(Protocol.HTTP_1_1))
                .connectTimeout(this.settings.connectTimeout())
                // The request and read timeouts are enforced by cancelling the call (once()); these
                // socket-level limits are only a backstop.
                .readTimeout(this.settings.requestTimeout().plus(this.settings.readTimeout()))
                .callTimeout(this.settings.requestTimeout().plus(this.settings.readTimeout()))
                .build();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("crawl-read-deadline").factory());
    }

    private List<InetAddress> lookup(String host) throws UnknownHostException {
        try {
            return guard.allowedAddresses(host);
        } catch (KnowledgeErrors.AddressNotAllowed e) {
            throw new RefusedAddress(e.getMessage());
        }
    }

    /** An address the guard refused at connection time; OkHttp passes it through as it is. */
    private static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String message) {
            super(message);
        }
    }

    /** What a fetch gave: a body of an accepted type, or why there is none. */
    sealed interface Outcome {}

    /** A body, from the URL the redirects ended at. */
    record Fetched(
            URI url,
            String mediaType,
            byte[] body,
            @Nullable Charset charset) implements Outcome {
        String text() {
            return new String(body, charset == null ? StandardCharsets.UTF_8 : charset);
        }
    }

    /** Why a URL gave nothing. */
    enum Failure {
        /** 404 or 410: the page is gone. */
        GONE,
        /** A timeout, an I/O error, a 5xx or 429: the page may be back next time. */
        TRANSIENT,
        /** Refused by us or robots.txt, another status, an unwanted type, too large. */
        SKIPPED
    }

    record Failed(URI url, Failure kind, String reason, int status) implements Outcome {}

    /** Tells whether robots.txt lets a URL be fetched and how long to wait between requests to its host. */
    interface Politeness {
        boolean allows(URI url) throws InterruptedException;

        Duration delay(URI url);

        /** Everything allowed, one delay for every host: for robots.txt itself. */
        static Politeness unchecked(Duration delay) {
            return new Politeness() {
                @Override
                public boolean allows(URI url) {
                    return true;
                }

                @Override
                public Duration delay(URI url) {
                    return delay;
                }
            };
        }
    }

    Outcome fetch(URI url, AllowedHosts hosts, Politeness politeness, Set<String> accepted)
            throws InterruptedException {
        var current = url;
        for (int hop = 0; ; hop++) {
            try {
                guard.check(current, hosts);
            } catch (ApiException e) {
                return new Failed(current, Failure.SKIPPED, (hop == 0 ? "" : "redirected: ") + e.getMessage(), 0);
            }
            if (!politeness.allows(current)) {
                return new Failed(current, Failure.SKIPPED, "disallowed by robots.txt", 0);
            }
            var outcome = once(current, politeness.delay(current), accepted);
            if (!(outcome instanceof Redirect redirect)) {
                return (Outcome) outcome;
            }
            if (hop >= settings.maxRedirects()) {
                return new Failed(url, Failure.SKIPPED, "too many redirects", redirect.status());
            }
            current = redirect.location();
        }
    }

    /** Robots.txt and the like: one GET, redirects followed, no robots check of its own. */
    Outcome fetchUnchecked(URI url, AllowedHosts hosts, Duration delay, Set<String> accepted)
            throws InterruptedException {
        return fetch(url, hosts, Politeness.unchecked(delay), accepted);
    }

    private record Redirect(URI location, int status) {}

    private Object once(URI url, Duration delay, Set<String> accepted) throws InterruptedException {
        throttle.await(hostKey(url), delay);
        var httpUrl = HttpUrl.parse(url.toString());
        if (httpUrl == null) {
            return new Failed(url, Failure.SKIPPED, "not an http(s) URL", 0);
        }
        var request = new Request.Builder()
                .url(httpUrl)
                .get()
                .header("User-Agent", settings.userAgent())
                .header("Accept", accept(accepted))
                .build();
        var call = client.newCall(request);
        // Deadlines cancel the call (thread-safe in OkHttp) rather than close its streams from
        // another thread: first for the response headers, then for the whole body in read().
        var headersDeadline =
                deadlines.schedule(call::cancel, settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        Response response;
        try {
            response = call.execute();
        } catch (RefusedAddress e) {
            return new Failed(url, Failure.SKIPPED, e.getMessage(), 0);
        } catch (IOException e) {
            stopIfInterrupted();
            var timedOut = call.isCanceled() || e instanceof InterruptedIOException;
            return new Failed(url, Failure.TRANSIENT, timedOut ? "timed out" : "could not connect", 0);
        } finally {
            headersDeadline.cancel(false);
        }
        try (response) {
            return outcome(url, call, response, accepted);
        }
    }

    /** A graceful stop interrupts the crawl: it must end as a stop, not as a failed page. */
    private static void stopIfInterrupted() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    private Object outcome(URI url, Call call, Response response, Set<String> accepted) throws InterruptedException {
        var status = response.code();
        if (status >= 300 && status < 400 && status != 304) {
            var location = response.header("Location");
            if (location == null) {
                return new Failed(url, Failure.SKIPPED, "redirect without a location", status);
            }
            try {
                return new Redirect(normalize(url.resolve(new URI(location.strip()))), status);
            } catch (URISyntaxException | IllegalArgumentException e) {
                return new Failed(url, Failure.SKIPPED, "redirect to an invalid URL", status);
            }
        }
        if (status == 404 || status == 410) {
            return new Failed(url, Failure.GONE, "HTTP " + status, status);
        }
        if (status == 429 || status >= 500) {
            return new Failed(url, Failure.TRANSIENT, "HTTP " + status, status);
        }
        if (status != 200 && status != 203) {
            return new Failed(url, Failure.SKIPPED, "HTTP " + status, status);
        }
        var contentType = Objects.requireNonNullElse(response.header("Content-Type"), "");
        var declared = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        var cap = settings.maxPageBytes().toBytes();
        var length = response.body().contentLength();
        if (length > cap) {
            return tooLarge(url, status);
        }
        if (!declared.isEmpty() && !accepted.isEmpty() && !accepted.contains(declared)) {
            return new Failed(url, Failure.SKIPPED, "unsupported content type " + declared, status);
        }
        byte[] bytes;
        try {
            bytes = read(call, response.body().byteStream(), cap);
        } catch (IOException e) {
            stopIfInterrupted();
            return new Failed(
                    url,
                    Failure.TRANSIENT,
                    call.isCanceled() || e instanceof InterruptedIOException
                            ? "timed out reading the body"
                            : "could not read the body",
                    0);
        }
        if (bytes == null) {
            return tooLarge(url, status);
        }
        var mediaType = declared.isEmpty() ? sniff(bytes) : declared;
        if (!accepted.isEmpty() && !accepted.contains(mediaType)) {
            return new Failed(url, Failure.SKIPPED, "unsupported content type " + mediaType, status);
        }
        return new Fetched(url, mediaType, bytes, Ingestion.charsetParameter(contentType));
    }

    private Failed tooLarge(URI url, int status) {
        return new Failed(
                url, Failure.SKIPPED, "larger than " + settings.maxPageBytes().toKilobytes() + " KiB", status);
    }

    /** Reads at most {@code cap} bytes within the read timeout; null when the body is longer. */
    private byte @Nullable [] read(Call call, InputStream body, long cap) throws IOException {
        var deadline = deadlines.schedule(call::cancel, settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            var bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
            return bytes.length > cap ? null : bytes;
        } finally {
            deadline.cancel(false);
        }
    }

    private static String sniff(byte[] bytes) {
        var head = new String(bytes, 0, Math.min(bytes.length, 512), StandardCharsets.ISO_8859_1)
                .stripLeading()
                .toLowerCase(Locale.ROOT);
        if (head.startsWith("<?xml") && (head.contains("<urlset") || head.contains("<sitemapindex"))) {
            return "application/xml";
        }
        if (head.startsWith("<!doctype html") || head.startsWith("<html") || head.contains("<body")) {
            return "text/html";
        }
        return "application/octet-stream";
    }

    private static String accept(Set<String> accepted) {
        return accepted.isEmpty()
                ? "*/*"
                : String.join(", ", accepted.stream().sorted().toList());
    }

    static String hostKey(URI url) {
        return AllowedHosts.normalize(url.getHost()) + ":" + port(url);
    }

    static int port(URI url) {
        return url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    /**
     * The form a URL is compared and stored in: lower-case scheme and host, no default port, no
     * fragment, an empty path as {@code /}.
     */
    static URI normalize(URI url) {
        try {
            var scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
            var host = url.getHost() == null ? null : url.getHost().toLowerCase(Locale.ROOT);
            var port = url.getPort();
            if (port == 80 && "http".equals(scheme) || port == 443 && "https".equals(scheme)) {
                port = -1;
            }
            var path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            var query = url.getRawQuery();
            var text = scheme + "://" + (host == null ? "" : host) + (port >= 0 ? ":" + port : "") + path
                    + (query == null ? "" : "?" + query);
            return new URI(text);
        } catch (URISyntaxException e) {
            return url;
        }
    }

    @Override
    public void destroy() {
        deadlines.shutdownNow();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
