package com.helloyuno.llm;

import com.openai.core.RequestOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIIoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * openai-java's transport as plain blocking HTTP/1.1 over kept-alive sockets, one exchange per
 * connection at a time, on the caller's (virtual) thread.
 *
 * <p>Why not the JDK's {@code HttpClient}: every exchange there is a chain of completable futures
 * driven by one selector thread per client (registrations, wake-ups, hand-offs between threads),
 * which was a quarter of the service's CPU per answer in the chat benchmark's profile (README,
 * "Benchmarks"). A virtual thread blocking on a socket costs a park and an epoll registration, and
 * an open stream holds one 4 kB read buffer here. What it gives up: HTTP/2 (each call in flight holds a
 * connection of its own; providers serve HTTP/1.1 and the pool keeps connections warm) and
 * proxies: {@link OpenAiClients} keeps the JDK transport when the JVM's proxy settings name a
 * proxy for the provider.
 *
 * <p>Deadlines: {@link OpenAiChatModel} and {@link Attempts} interrupt an overrunning call; on a
 * virtual thread that closes the socket and ends the blocked read at once. {@code readTimeout}
 * (the call's deadline) also bounds each read, for callers on platform threads (a write to a
 * server that stopped reading is not bounded there; the model calls run on virtual threads).
 *
 * <p>A pooled connection the server closed while it was idle ends at once, without a byte, when
 * the next request is sent on it; that request is then sent once more on a new connection.
 * Nothing else is sent twice: not after a time-out, nor when the server took the request and went
 * away (see {@code send}), since a POST run twice is a second billed completion. Framing follows
 * RFC 9112: a response whose framing is ambiguous (both Transfer-Encoding and Content-Length, two
 * different lengths, a coding other than chunked last) is read to the connection's end or
 * refused, and its connection never reused, so one response cannot leak into the next. A response's head is read only within limits
 * ({@link TransportSettings}): a broken or hostile upstream cannot make us buffer without bound.
 */
final class Http1Transport implements HttpClient {

    private static final int BUFFER = 4096;
    /** The most of a body's rest read on closing it, to keep its connection. */
    private static final long DRAIN_MAX = 64 * 1024;
    /** How long closing waits for a body's rest, per read. */
    private static final Duration DRAIN_WAIT = Duration.ofMillis(50);
    /** Headers this transport writes itself. */
    private static final Set<String> OWN = Set.of("connection", "content-length", "host", "transfer-encoding");

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final SSLSocketFactory tls;
    private final int maxIdlePerOrigin;
    private final Duration keepAlive;
    private final int maxLine;
    private final int maxHeaders;
    private final ConcurrentHashMap<Origin, Idle> idle = new ConcurrentHashMap<>();
    private final ExecutorService async = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closed;

    Http1Transport(Duration connectTimeout, Duration readTimeout, SSLSocketFactory tls, TransportSettings settings) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.tls = tls;
        this.maxIdlePerOrigin = settings.maxIdleConnections();
        this.keepAlive = settings.keepAlive();
        this.maxLine = settings.maxResponseLine();
        this.maxHeaders = settings.maxResponseHeaders();
    }

    Http1Transport(Duration connectTimeout, Duration readTimeout, TransportSettings settings) {
        this(connectTimeout, readTimeout, (SSLSocketFactory) SSLSocketFactory.getDefault(), settings);
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
        try {
            var uri = URI.create(request.url());
            var origin = Origin.of(uri);
            var body = body(request);
            return exchange(origin, head(request, uri, origin, body), body);
        } catch (IOException | IllegalArgumentException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new OpenAIIoException("Request interrupted", new InterruptedIOException());
            }
            throw new OpenAIIoException("Request failed", e);
        } finally {
            var body = request.body();
            if (body != null) {
                body.close();
            }
        }
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions requestOptions) {
        try {
            return CompletableFuture.supplyAsync(() -> execute(request, requestOptions), async);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new OpenAIIoException("Transport closed", e));
        }
    }

    @Override
    public void close() {
        closed = true;
        idle.values().forEach(Idle::closeAll);
        async.shutdown();
    }

    /** Connections open now, idle ones only: for tests. */
    int idleConnections() {
        return idle.values().stream().mapToInt(i -> i.count.get()).sum();
    }

    private HttpResponse exchange(Origin origin, byte[] head, byte @Nullable [] body) throws IOException {
        var pooled = take(origin);
        if (pooled != null) {
            try {
                return send(pooled, head, body);
            } catch (NothingAnswered e) {
                pooled.close();
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                // The server had closed the kept connection: once more, on a new one.
            } catch (IOException | RuntimeException e) {
                pooled.close();
                throw e;
            }
        }
        var fresh = connect(origin);
        try {
            return send(fresh, head, body);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
    }

    /**
     * Sends a request and reads its response's head. Only a request that certainly went unread
     * fails with {@link NothingAnswered}: its write failed, or the connection ended (closed or
     * reset, not timed out) before a single byte of an answer and within {@link #STALE_WITHIN} of
     * the write, which is how a kept connection the server closed while it was idle answers. A
     * server that took the request and then went silent or away is not asked again: a POST must
     * not be run twice (a second billed completion).
     */
    private HttpResponse send(Connection connection, byte[] head, byte @Nullable [] body) throws IOException {
        String status;
        try {
            // One write, one packet for a small request; no write buffer kept per connection.
            if (body == null) {
                connection.out.write(head);
            } else {
                var whole = Arrays.copyOf(head, head.length + body.length);
                System.arraycopy(body, 0, whole, head.length, body.length);
                connection.out.write(whole);
            }
            connection.out.flush();
        } catch (IOException e) {
            throw new NothingAnswered(e);
        }
        var sent = System.nanoTime();
        var before = connection.received;
        try {
            status = connection.readLine();
        } catch (java.net.SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw unanswered(connection, before, sent) ? new NothingAnswered(e) : e;
        }
        if (status == null) {
            var closed = new IOException("connection closed before a response");
            throw unanswered(connection, before, sent) ? new NothingAnswered(closed) : closed;
        }
        var code = statusCode(status);
        var headers = Headers.builder();
        var framing = new Framing();
        for (int interim = 0; code >= 100 && code < 200; interim++) {
            // 100 Continue, 103 Early Hints: skipped. 101 would switch protocols: not ours.
            if (code == 101 || interim >= MAX_INTERIM) {
                throw new IOException("unexpected interim response " + code);
            }
            readHeaders(connection, Headers.builder(), new Framing());
            status = connection.readLine();
            if (status == null) {
                throw new IOException("connection closed before a response");
            }
            code = statusCode(status);
        }
        readHeaders(connection, headers, framing);
        // RFC 9112 6.3: a transfer coding decides the framing; with a Content-Length beside it the
        // message may be an attempt at smuggling, so the connection is not used again.
        var keep = !framing.close && status.startsWith("HTTP/1.1") && !(framing.coded && framing.length >= 0);
        InputStream stream;
        if (code == 204 || code == 304) {
            stream = new FixedBody(connection, 0, keep);
        } else if (framing.coded) {
            stream = framing.chunked
                    ? new ChunkedBody(connection, keep)
                    : new FixedBody(connection, Long.MAX_VALUE, false);
        } else if (framing.length >= 0) {
            stream = new FixedBody(connection, framing.length, keep);
        } else {
            stream = new FixedBody(connection, Long.MAX_VALUE, false);
        }
        return new Response(code, headers.build(), stream);
    }

    /** How soon after the write a kept connection's end shows it was stale, not that the server failed. */
    static final Duration STALE_WITHIN = Duration.ofSeconds(1);

    /** Interim (1xx) responses read before the final one at most. */
    private static final int MAX_INTERIM = 10;

    private static boolean unanswered(Connection connection, long receivedBefore, long sentAt) {
        return connection.received == receivedBefore && System.nanoTime() - sentAt < STALE_WITHIN.toNanos();
    }

    private static int statusCode(String line) throws IOException {
        // "HTTP/1.1 200 OK": the code is the three digits after the first space.
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x status line");
        }
        var code = 0;
        for (int i = 9; i < 12; i++) {
            var c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("not an HTTP/1.x status line");
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /** How a response's body is delimited and whether its connection can be kept. */
    private static final class Framing {
        long length = -1;
        /** A Transfer-Encoding was given. */
        boolean coded;
        /** ... and its last coding is chunked. */
        boolean chunked;

        boolean close;
    }

    private void readHeaders(Connection connection, Headers.Builder headers, Framing framing) throws IOException {
        for (int count = 0; ; count++) {
            var line = connection.readLine();
            if (line == null) {
                throw new IOException("connection closed in the response headers");
            }
            if (line.isEmpty()) {
                return;
            }
            if (count >= maxHeaders) {
                throw new IOException("more than " + maxHeaders + " response headers");
            }
            var colon = line.indexOf(':');
            // No white space before the colon (RFC 9112 5.1): a name that differs only by it is how
            // two parsers are made to disagree on a message's framing.
            if (colon <= 0 || Character.isWhitespace(line.charAt(colon - 1))) {
                throw new IOException("malformed response header");
            }
            var name = line.substring(0, colon);
            var value = line.substring(colon + 1).trim();
            headers.put(name, value);
            if (name.equalsIgnoreCase("content-length")) {
                var length = digits(value, 10, "malformed Content-Length");
                if (framing.length >= 0 && framing.length != length) {
                    throw new IOException("conflicting Content-Length");
                }
                framing.length = length;
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                // Codings add up over lines; the message is chunked only if chunked is the last.
                for (var coding : value.split(",")) {
                    if (!coding.isBlank()) {
                        framing.coded = true;
                        framing.chunked = coding.strip().equalsIgnoreCase("chunked");
                    }
                }
            } else if (name.equalsIgnoreCase("connection")) {
                for (var option : value.split(",")) {
                    framing.close |= option.strip().equalsIgnoreCase("close");
                }
            }
        }
    }

    /** A number of digits only (no sign, no space), as HTTP writes lengths. */
    static long digits(String text, int radix, String malformed) throws IOException {
        if (text.isEmpty() || text.length() > 15) {
            throw new IOException(malformed);
        }
        var value = 0L;
        for (int i = 0; i < text.length(); i++) {
            var digit = Character.digit(text.charAt(i), radix);
            if (digit < 0) {
                throw new IOException(malformed);
            }
            value = value * radix + digit;
        }
        return value;
    }

    private static byte[] head(HttpRequest request, URI uri, Origin origin, byte @Nullable [] bytes)
            throws IOException {
        var path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        var target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        var out = new StringBuilder(512)
                .append(request.method().name())
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: ")
                .append(origin.hostHeader())
                .append("\r\n");
        var headers = request.headers();
        var hasContentType = false;
        for (var name : headers.names()) {
            var lower = name.toLowerCase(Locale.ROOT);
            if (OWN.contains(lower)) {
                continue;
            }
            hasContentType |= lower.equals("content-type");
            for (var value : headers.values(name)) {
                appendHeader(out, name, value);
            }
        }
        var body = request.body();
        if (body != null) {
            var type = body.contentType();
            if (type != null && !hasContentType) {
                appendHeader(out, "Content-Type", type);
            }
        }
        if (bytes != null) {
            out.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        return out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void appendHeader(StringBuilder out, String name, String value) throws IOException {
        // A line break or control character in a header would split the request: refused, not sent.
        for (int i = 0; i < name.length(); i++) {
            var c = name.charAt(i);
            if (c <= ' ' || c >= 127 || c == ':') {
                throw new IOException("invalid request header name");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            var c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 127 || c > 255) {
                throw new IOException("invalid request header value");
            }
        }
        out.append(name).append(": ").append(value).append("\r\n");
    }

    /** The request's body, whole (openai-java's are JSON documents), and its length in the head. */
    private static byte @Nullable [] body(HttpRequest request) throws IOException {
        var body = request.body();
        if (body == null) {
            return null;
        }
        var bytes = new ByteArrayOutputStream(body.contentLength() > 0 ? (int) body.contentLength() : 1024);
        body.writeTo(bytes);
        return bytes.toByteArray();
    }

    private @Nullable Connection take(Origin origin) {
        var pool = idle.get(origin);
        if (pool == null) {
            return null;
        }
        var now = System.nanoTime();
        for (Connection c; (c = pool.connections.pollFirst()) != null; ) {
            pool.count.decrementAndGet();
            if (now - c.idleSince < keepAlive.toNanos() && c.quiet()) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private void release(Connection connection) {
        if (closed) {
            connection.close();
            return;
        }
        var pool = idle.computeIfAbsent(connection.origin, o -> new Idle());
        if (pool.count.incrementAndGet() > maxIdlePerOrigin) {
            pool.count.decrementAndGet();
            connection.close();
            return;
        }
        var now = System.nanoTime();
        connection.idleSince = now;
        // Most recently used first: the warmest connections are reused, the oldest age out, and
        // those that did are closed from the tail here rather than left open until reached.
        pool.connections.offerFirst(connection);
        for (int i = 0; i < 4; i++) {
            var oldest = pool.connections.peekLast();
            if (oldest == null
                    || now - oldest.idleSince < keepAlive.toNanos()
                    || !pool.connections.removeLastOccurrence(oldest)) {
                break;
            }
            pool.count.decrementAndGet();
            oldest.close();
        }
        if (closed) {
            pool.closeAll(); // close() ran meanwhile
        }
    }

    private Connection connect(Origin origin) throws IOException {
        var socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            socket.connect(new InetSocketAddress(origin.address(), origin.port()), (int) connectTimeout.toMillis());
            if (!origin.tls()) {
                return new Connection(origin, socket, maxLine);
            }
            var secure = (SSLSocket) tls.createSocket(socket, origin.address(), origin.port(), true);
            SSLParameters parameters = secure.getSSLParameters();
            // Certificate and host name both checked, as any HTTPS client does.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            secure.setSSLParameters(parameters);
            secure.startHandshake();
            return new Connection(origin, secure, maxLine);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Where a connection goes: a kept one serves only requests to the same place. */
    record Origin(boolean tls, String host, int port) {

        static Origin of(URI uri) {
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            var tls = scheme.equals("https");
            return new Origin(tls, uri.getHost(), uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80);
        }

        /** The host without an IPv6 literal's brackets. */
        String address() {
            return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        }

        String hostHeader() {
            return port == (tls ? 443 : 80) ? host : host + ":" + port;
        }
    }

    private static final class Idle {
        final ConcurrentLinkedDeque<Connection> connections = new ConcurrentLinkedDeque<>();
        /** The deque's size, which the deque itself only counts by walking it. */
        final AtomicInteger count = new AtomicInteger();

        void closeAll() {
            for (Connection c; (c = connections.pollFirst()) != null; ) {
                count.decrementAndGet();
                c.close();
            }
        }
    }

    /** The request went out on a kept connection and nothing came back: safe to send again. */
    private static final class NothingAnswered extends IOException {
        NothingAnswered(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** One socket, its read buffer and where it goes. */
    private static final class Connection {
        final Origin origin;
        final int maxLine;
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final byte[] buffer = new byte[BUFFER];
        int position;
        int limit;
        long idleSince;
        /** Bytes read from the socket so far. */
        long received;

        Connection(Origin origin, Socket socket, int maxLine) throws IOException {
            this.origin = origin;
            this.maxLine = maxLine;
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Whether an idle connection has nothing unread: a byte the server sent unasked means trouble. */
        boolean quiet() {
            try {
                return position == limit && in.available() == 0 && !socket.isClosed();
            } catch (IOException e) {
                return false;
            }
        }

        boolean fill() throws IOException {
            var n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                return false;
            }
            received += n;
            position = 0;
            limit = n;
            return true;
        }

        int read() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xff;
        }

        int read(byte[] into, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position == limit) {
                if (length >= buffer.length) {
                    // A large read goes straight from the socket.
                    var n = in.read(into, offset, length);
                    if (n > 0) {
                        received += n;
                    }
                    return n;
                }
                if (!fill()) {
                    return -1;
                }
            }
            var n = Math.min(length, limit - position);
            System.arraycopy(buffer, position, into, offset, n);
            position += n;
            return n;
        }

        /** A CRLF-ended line in ISO-8859-1 without its end, or null at the end of the stream. */
        @Nullable
        String readLine() throws IOException {
            var line = new StringBuilder(64);
            for (; ; ) {
                var c = read();
                if (c < 0) {
                    if (line.isEmpty()) {
                        return null;
                    }
                    throw new IOException("connection closed in a line");
                }
                if (c == '\n') {
                    var end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                if (line.length() >= maxLine) {
                    throw new IOException("response line longer than " + maxLine + " bytes");
                }
                line.append((char) c);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // Closed either way.
            }
        }
    }

    /**
     * A response body. Its connection goes back to the pool when the body was read to its end,
     * by its reader or on closing ({@link #close}); otherwise it is closed, since the rest of an
     * abandoned stream may never come.
     */
    private abstract class Body extends InputStream {
        final Connection connection;
        final boolean keep;
        boolean finished;
        boolean released;

        /** The thread that asked: only it may read the rest of the body on closing. */
        final Thread reader = Thread.currentThread();

        private final byte[] one = new byte[1];

        Body(Connection connection, boolean keep) {
            this.connection = connection;
            this.keep = keep;
        }

        /** Reads the body's next bytes; -1 at its end. */
        abstract int readBody(byte[] into, int offset, int length) throws IOException;

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (released) {
                throw new IOException("body closed");
            }
            return readBody(into, offset, length);
        }

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        /**
         * A caller that stops at the end of what it wanted (a stream at {@code [DONE]}, a JSON
         * reader at the closing brace) leaves the body's last bytes (the chunked terminator, a
         * newline): they are read here, up to {@link #DRAIN_MAX} and waiting at most {@link
         * #DRAIN_WAIT} for each read, so that the connection serves the next call. Otherwise, or
         * when another thread closes the body while its reader may still be in it, the connection
         * is closed.
         */
        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            if (!finished && keep && Thread.currentThread() == reader) {
                drain();
            }
            if (finished && keep) {
                release(connection);
            } else {
                connection.close();
            }
        }

        private void drain() {
            try {
                var timeout = connection.socket.getSoTimeout();
                connection.socket.setSoTimeout((int) DRAIN_WAIT.toMillis());
                try {
                    var skip = new byte[512];
                    for (long drained = 0; !finished && drained < DRAIN_MAX; ) {
                        var n = readBody(skip, 0, skip.length);
                        if (n < 0) {
                            break;
                        }
                        drained += n;
                    }
                } finally {
                    if (!connection.socket.isClosed()) {
                        connection.socket.setSoTimeout(timeout);
                    }
                }
            } catch (IOException e) {
                finished = false; // timed out or broken: closed below
            }
        }

        IOException closed(IOException e) {
            connection.close();
            return e;
        }
    }

    /** A body of a known length (or, with {@code Long.MAX_VALUE}, to the connection's end). */
    private final class FixedBody extends Body {
        private long remaining;

        FixedBody(Connection connection, long length, boolean keep) {
            super(connection, keep);
            this.remaining = length;
            this.finished = length == 0;
        }

        @Override
        int readBody(byte[] into, int offset, int length) throws IOException {
            if (remaining == 0 || finished) {
                finished = true;
                return -1;
            }
            try {
                var n = connection.read(into, offset, (int) Math.min(length, remaining));
                if (n < 0) {
                    if (remaining != Long.MAX_VALUE) {
                        throw new IOException("connection closed before the body's end");
                    }
                    finished = true;
                    return -1;
                }
                if (remaining != Long.MAX_VALUE) {
                    remaining -= n;
                    finished = remaining == 0;
                }
                return n;
            } catch (IOException e) {
                throw closed(e);
            }
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(remaining, Math.max(0, connection.limit - connection.position));
        }
    }

    /** A body in {@code Transfer-Encoding: chunked}, as streamed answers come. */
    private final class ChunkedBody extends Body {
        private long chunkLeft;

        ChunkedBody(Connection connection, boolean keep) {
            super(connection, keep);
        }

        @Override
        int readBody(byte[] into, int offset, int length) throws IOException {
            if (finished) {
                return -1;
            }
            try {
                if (chunkLeft == 0) {
                    chunkLeft = nextChunk();
                    if (chunkLeft == 0) {
                        // Trailers, if any, then the empty line.
                        readHeaders(connection, Headers.builder(), new Framing());
                        finished = true;
                        return -1;
                    }
                }
                var n = connection.read(into, offset, (int) Math.min(length, chunkLeft));
                if (n < 0) {
                    throw new IOException("connection closed in a chunk");
                }
                chunkLeft -= n;
                if (chunkLeft == 0) {
                    var end = connection.readLine();
                    if (end == null || !end.isEmpty()) {
                        throw new IOException("malformed chunk end");
                    }
                }
                return n;
            } catch (IOException e) {
                throw closed(e);
            }
        }

        private long nextChunk() throws IOException {
            var line = connection.readLine();
            if (line == null) {
                throw new IOException("connection closed before a chunk");
            }
            var semicolon = line.indexOf(';');
            var hex = (semicolon >= 0 ? line.substring(0, semicolon) : line).strip();
            return digits(hex, 16, "malformed chunk size");
        }

        @Override
        public int available() {
            return (int) Math.min(chunkLeft, Math.max(0, connection.limit - connection.position));
        }
    }

    private record Response(int statusCode, Headers headers, InputStream body) implements HttpResponse {

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                // Released or closed either way.
            }
        }
    }
}
