package com.helloyuno.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.core.RequestOptions;
import com.openai.core.http.HttpMethod;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpRequestBody;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIIoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/1.1 transport against servers written byte by byte here, so that every framing, every
 * kept or closed connection and every misbehaviour of a provider is under the test's control.
 */
class Http1TransportTests {

    private final List<AutoCloseable> closing = new ArrayList<>();
    private Http1Transport transport =
            new Http1Transport(Duration.ofSeconds(2), Duration.ofSeconds(10), TransportSettings.defaults());

    @AfterEach
    void close() throws Exception {
        transport.close();
        for (var c : closing.reversed()) {
            c.close();
        }
    }

    @Test
    void postsTheRequestAsWrittenAndReadsAFixedLengthAnswer() throws Exception {
        var server = server((in, out) -> {
            var request = readRequest(in);
            server().requests.add(request);
            var answer = ("{\"echo\":" + request.body.getBytes(StandardCharsets.UTF_8).length + "}")
                    .getBytes(StandardCharsets.UTF_8);
            write(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: r1\r\nContent-Length: "
                            + answer.length + "\r\n\r\n");
            out.write(answer);
            out.flush();
        });

        try (var response =
                transport.execute(post(server.url("/v1/embeddings?x=1"), "{\"input\":\"hé\"}"), options())) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().values("x-request-id")).containsExactly("r1");
            assertThat(text(response)).isEqualTo("{\"echo\":15}");
        }
        var request = server.requests.getFirst();
        assertThat(request.line).isEqualTo("POST /v1/embeddings?x=1 HTTP/1.1");
        assertThat(request.headers)
                .contains("Host: 127.0.0.1:" + server.port(), "Authorization: Bearer sk-test", "Content-Length: 15")
                .contains("Content-Type: application/json");
        assertThat(request.body).isEqualTo("{\"input\":\"hé\"}");
    }

    @Test
    void keepsTheConnectionForTheNextCall() throws Exception {
        var server = server((in, out) -> {
            while (readRequest(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });

        for (int i = 0; i < 5; i++) {
            try (var response = transport.execute(post(server.url("/v1/x"), "{}"), options())) {
                assertThat(text(response)).isEqualTo("ok");
            }
        }

        assertThat(server.accepted.get()).isEqualTo(1);
        assertThat(transport.idleConnections()).isEqualTo(1);
    }

    @Test
    void readsAChunkedStreamAsItArrives() throws Exception {
        var secondMayGo = new CountDownLatch(1);
        var server = server((in, out) -> {
            while (readRequest(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                write(out, chunk("data: one\n\n"));
                await(secondMayGo);
                write(out, chunk("data: two\n\n") + "0\r\nX-Trailer: t\r\n\r\n");
            }
        });

        var response = transport.execute(post(server.url("/v1/chat/completions"), "{}"), options());
        var body = response.body();
        var first = new byte[11];
        assertThat(body.readNBytes(first, 0, 11)).isEqualTo(11);
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("data: one\n\n");
        secondMayGo.countDown();
        assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: two\n\n");
        response.close();

        // Read to its end, trailer included: the connection serves the next call.
        assertThat(transport.idleConnections()).isEqualTo(1);
    }

    @Test
    void aStreamReadToItsDoneAndAJsonReadToItsBraceKeepTheirConnection() throws Exception {
        var server = server((in, out) -> {
            Request request;
            while ((request = readRequest(in)) != null) {
                if (request.line().contains("stream")) {
                    // [DONE], and the chunked terminator a moment later, as a provider flushes it.
                    write(
                            out,
                            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    + chunk("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n")
                                    + chunk("data: [DONE]\n\n"));
                    sleep(10);
                    write(out, "0\r\n\r\n");
                } else {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"a\":\"b\"}\n\n\n");
                }
            }
        });

        for (int i = 0; i < 3; i++) {
            var texts = new ArrayList<String>();
            try (var response = transport.execute(post(server.url("/v1/stream"), "{}"), options())) {
                ProviderWire.stream(response.body(), texts::add, usage -> {});
            }
            assertThat(texts).containsExactly("hi");
            try (var response = transport.execute(post(server.url("/v1/json"), "{}"), options())) {
                assertThat(new String(response.body().readNBytes(9), StandardCharsets.UTF_8))
                        .isEqualTo("{\"a\":\"b\"}");
            }
        }

        assertThat(server.accepted.get()).isEqualTo(1);
        assertThat(transport.idleConnections()).isEqualTo(1);
    }

    @Test
    void aRequestTheServerTookIsNeverSentTwice() throws Exception {
        transport.close();
        transport = new Http1Transport(Duration.ofSeconds(2), Duration.ofMillis(400), TransportSettings.defaults());
        var requests = new AtomicInteger();
        var server = server((in, out) -> {
            while (readRequest(in) != null) {
                var n = requests.incrementAndGet();
                if (n == 1 || n == 3) {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                } else if (n == 2) {
                    await(new CountDownLatch(1)); // silent: the call times out
                } else {
                    sleep(Http1Transport.STALE_WITHIN.toMillis() + 300); // works, then goes away
                    return;
                }
            }
        });

        try (var response = transport.execute(post(server.url("/v1/x"), "{}"), options())) {
            assertThat(text(response)).isEqualTo("ok");
        }
        // On the kept connection: a time-out is not a stale connection.
        assertThatThrownBy(() -> transport.execute(post(server.url("/v1/x"), "{}"), options()))
                .isInstanceOf(OpenAIIoException.class);
        assertThat(requests.get()).isEqualTo(2);
        try (var response = transport.execute(post(server.url("/v1/x"), "{}"), options())) {
            assertThat(text(response)).isEqualTo("ok");
        }
        // On the kept connection: the server had the request a while, then closed without a word.
        assertThatThrownBy(() -> transport.execute(post(server.url("/v1/x"), "{}"), options()))
                .isInstanceOf(OpenAIIoException.class);
        assertThat(requests.get()).isEqualTo(4);
    }

    @Test
    void ambiguousFramingIsNeverReusedOrIsRefused() throws Exception {
        var answers = List.of(
                // A coding other than chunked last: the body runs to the connection's end.
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nokXYZ",
                // Both: chunked decides, and the connection is not used again.
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 50\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                // Close, whatever a later line says.
                "HTTP/1.1 200 OK\r\nConnection: close\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok");
        var next = new AtomicInteger();
        var server = server((in, out) -> {
            readRequest(in);
            write(out, answers.get(next.getAndIncrement()));
        });

        for (var expected : List.of("okXYZ", "ok", "ok")) {
            try (var response = transport.execute(post(server.url("/v1/x"), "{}"), options())) {
                assertThat(text(response)).isEqualTo(expected);
            }
            assertThat(transport.idleConnections()).isZero();
        }

        var refused = List.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 2\r\n\r\nokXYZ",
                "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok",
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+2\r\nok\r\n0\r\n\r\n");
        var nextRefused = new AtomicInteger();
        var hostile = server((in, out) -> {
            readRequest(in);
            write(out, refused.get(nextRefused.getAndIncrement()));
        });
        for (var answer : refused) {
            assertThatThrownBy(() -> {
                        try (var response = transport.execute(post(hostile.url("/v1/x"), "{}"), options())) {
                            response.body().readAllBytes();
                        }
                    })
                    .as(answer)
                    .isInstanceOfAny(OpenAIIoException.class, IOException.class);
        }
        assertThat(transport.idleConnections()).isZero();
    }

    @Test
    void connectionsIdleBeyondTheKeepAliveAreClosedNotHoarded() throws Exception {
        transport.close();
        transport = new Http1Transport(
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                new TransportSettings(256, Duration.ofMillis(200), 16_384, 256));
        var gate = new CountDownLatch(3);
        var server = server((in, out) -> {
            while (readRequest(in) != null) {
                gate.countDown();
                await(gate); // three calls at once: three connections
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
        var calls = new ArrayList<Thread>();
        for (int i = 0; i < 3; i++) {
            calls.add(Thread.ofVirtual().start(() -> {
                try (var response = transport.execute(post(server.url("/v1/x"), "{}"), options())) {
                    text(response);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (var call : calls) {
            call.join(Duration.ofSeconds(10));
        }
        assertThat(transport.idleConnections()).isEqualTo(3);

        // One call after another for twice the keep-alive: the warmest connection serves them all,
        // and the two others, left at the pool's tail, age past the keep-alive and are closed.
        var until = System.nanoTime() + Duration.ofMillis(400).toNanos();
        while (System.nanoTime() < until) {
            try (var response = transport.execute(post(server.url("/v1/x"), "{}"), options())) {
                assertThat(text(response)).isEqualTo("ok");
            }
            sleep(50);
        }

        assertThat(transport.idleConnections()).isEqualTo(1);
        assertThat(server.accepted.get()).isEqualTo(3);
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsReplacedWithoutAnError() throws Exception {
        // Answers one request per connection, then closes it without saying so: as a server whose
        // idle time-out ran out between two calls does.
        var server = server((in, out) -> {
            if (readRequest(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });

        for (int i = 0; i < 3; i++) {
            try (var response = transport.execute(post(server.url("/v1/x"), "{}"), options())) {
                assertThat(text(response)).isEqualTo("ok");
            }
            Thread.sleep(50);
        }

        assertThat(server.accepted.get()).isEqualTo(3);
    }

    @Test
    void aBodyLeftUnreadClosesItsConnectionInsteadOfPoolingIt() throws Exception {
        var server = server((in, out) -> {
            while (readRequest(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("data: one\n\n"));
                // ... and the rest of the stream never comes.
            }
        });

        var abandoned = transport.execute(post(server.url("/v1/x"), "{}"), options());
        abandoned.body().read();
        abandoned.close();

        assertThat(transport.idleConnections()).isZero();
        try (var next = transport.execute(post(server.url("/v1/x"), "{}"), options())) {
            assertThat(next.statusCode()).isEqualTo(200);
        }
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    @Test
    void anInterruptEndsACallBlockedOnASilentServerAtOnce() throws Exception {
        var server = server((in, out) -> {
            readRequest(in);
            await(new CountDownLatch(1));
        });
        var failure = new AtomicReference<Throwable>();
        var interruptedAfter = new AtomicReference<Boolean>();

        var call = Thread.ofVirtual().start(() -> {
            try {
                transport.execute(post(server.url("/v1/x"), "{}"), options());
            } catch (RuntimeException e) {
                failure.set(e);
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        Thread.sleep(200);
        var interruptedAt = System.nanoTime();
        call.interrupt();
        call.join(Duration.ofSeconds(5));

        assertThat(call.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(Duration.ofSeconds(2));
        assertThat(failure.get()).isInstanceOf(OpenAIIoException.class).hasMessage("Request interrupted");
        assertThat(interruptedAfter.get()).isTrue();
    }

    @Test
    void theReadTimeoutEndsACallOnAPlatformThread() throws Exception {
        transport.close();
        transport = new Http1Transport(Duration.ofSeconds(2), Duration.ofMillis(300), TransportSettings.defaults());
        var server = server((in, out) -> {
            readRequest(in);
            await(new CountDownLatch(1));
        });

        var started = System.nanoTime();
        assertThatThrownBy(() -> transport.execute(post(server.url("/v1/x"), "{}"), options()))
                .isInstanceOf(OpenAIIoException.class)
                .hasMessage("Request failed");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void endlessHeadersFromAProviderAreRefusedWithinTheLimits() throws Exception {
        var server = server((in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\n");
            try {
                for (int i = 0; i < 100_000; i++) {
                    write(out, "X-Junk-" + i + ": " + "a".repeat(100) + "\r\n");
                }
            } catch (IOException e) {
                // The client gave up, as it should.
            }
        });
        var longLine = server((in, out) -> {
            readRequest(in);
            write(
                    out,
                    "HTTP/1.1 200 OK\r\nX-Long: "
                            + "a".repeat(TransportSettings.defaults().maxResponseLine() + 10) + "\r\n\r\n");
        });

        assertThatThrownBy(() -> transport.execute(post(server.url("/v1/x"), "{}"), options()))
                .isInstanceOf(OpenAIIoException.class)
                .hasRootCauseMessage(
                        "more than " + TransportSettings.defaults().maxResponseHeaders() + " response headers");
        assertThatThrownBy(() -> transport.execute(post(longLine.url("/v1/x"), "{}"), options()))
                .isInstanceOf(OpenAIIoException.class)
                .hasRootCauseMessage("response line longer than "
                        + TransportSettings.defaults().maxResponseLine() + " bytes");
    }

    @Test
    void theHeaderLimitsAreTheConfiguredOnes() throws Exception {
        var server = server((in, out) -> {
            while (readRequest(in) != null) {
                var head = new StringBuilder("HTTP/1.1 200 OK\r\n");
                for (int i = 0; i < 30; i++) {
                    head.append("X-H-").append(i).append(": v\r\n");
                }
                write(out, head.append("Content-Length: 2\r\n\r\nok").toString());
            }
        });
        var strict = new Http1Transport(
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                new TransportSettings(8, Duration.ofSeconds(20), 1024, 20));
        closing.add(strict);

        try (var response = transport.execute(post(server.url("/v1/x"), "{}"), options())) {
            assertThat(text(response)).isEqualTo("ok");
        }
        assertThatThrownBy(() -> strict.execute(post(server.url("/v1/x"), "{}"), options()))
                .isInstanceOf(OpenAIIoException.class)
                .hasRootCauseMessage("more than 20 response headers");
    }

    @Test
    void malformedAnswersFailTheCallAndAreNotPooled() throws Exception {
        var answers = List.of(
                "HTTP/1.1 2x0 OK\r\n\r\n",
                "SSH-2.0-OpenSSH\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
        var next = new AtomicInteger();
        var server = server((in, out) -> {
            readRequest(in);
            write(out, answers.get(next.getAndIncrement()));
        });

        for (int i = 0; i < answers.size(); i++) {
            assertThatThrownBy(() -> {
                        try (var response = transport.execute(post(server.url("/v1/x"), "{}"), options())) {
                            response.body().readAllBytes();
                        }
                    })
                    .as(answers.get(i))
                    .isInstanceOfAny(OpenAIIoException.class, IOException.class);
        }
        assertThat(transport.idleConnections()).isZero();
    }

    @Test
    void aHeaderThatWouldSplitTheRequestIsRefusedBeforeAnythingIsSent() throws Exception {
        var server = server((in, out) -> server().requests.add(readRequest(in)));
        var request = HttpRequest.builder()
                .method(HttpMethod.POST)
                .baseUrl(server.url(""))
                .addPathSegment("v1")
                .putHeader("Authorization", "Bearer sk-test")
                .putHeader("X-Evil", "a\r\nX-Injected: yes")
                .body(json("{}"))
                .build();

        assertThatThrownBy(() -> transport.execute(request, options()))
                .isInstanceOf(OpenAIIoException.class)
                .hasRootCauseMessage("invalid request header value");
        assertThat(server.accepted.get()).isZero();
    }

    @Test
    void httpsChecksTheCertificateAndTheHostName(@TempDir Path keys) throws Exception {
        var store = keys.resolve("server.p12");
        var keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        var made = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "secret",
                        "-keypass",
                        "secret")
                .redirectErrorStream(true)
                .start();
        assertThat(made.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(made.exitValue())
                .as(new String(made.getInputStream().readAllBytes()))
                .isZero();
        var keyStore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keyStore.load(in, "secret".toCharArray());
        }
        var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, "secret".toCharArray());
        var trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(keyStore);
        var serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);
        var clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trustManagers.getTrustManagers(), null);
        var listener = (SSLServerSocket)
                serverContext.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        var server = new Server(listener, (in, out) -> {
            while (readRequest(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret");
            }
        });
        closing.add(server);
        var trusting = new Http1Transport(
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                clientContext.getSocketFactory(),
                TransportSettings.defaults());
        closing.add(trusting);
        var defaults = new Http1Transport(Duration.ofSeconds(2), Duration.ofSeconds(5), TransportSettings.defaults());
        closing.add(defaults);

        try (var response = trusting.execute(post("https://localhost:" + server.port() + "/v1", "{}"), options())) {
            assertThat(text(response)).isEqualTo("secret");
        }
        // The same certificate, but reached by a name it does not hold.
        assertThatThrownBy(() -> trusting.execute(post("https://127.0.0.1:" + server.port() + "/v1", "{}"), options()))
                .isInstanceOf(OpenAIIoException.class)
                .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
        // A certificate the JVM does not trust.
        assertThatThrownBy(() -> defaults.execute(post("https://localhost:" + server.port() + "/v1", "{}"), options()))
                .isInstanceOf(OpenAIIoException.class);
    }

    @Test
    void withAProxyConfiguredTheJdkClientIsKept() {
        var previous = java.net.ProxySelector.getDefault();
        try {
            java.net.ProxySelector.setDefault(
                    java.net.ProxySelector.of(java.net.InetSocketAddress.createUnresolved("proxy.internal", 3128)));
            assertThat(OpenAiClients.transport(settings(), TransportSettings.defaults()))
                    .isInstanceOf(JdkHttpTransport.class);
            java.net.ProxySelector.setDefault(null);
            assertThat(OpenAiClients.transport(settings(), TransportSettings.defaults()))
                    .isInstanceOf(Http1Transport.class);
        } finally {
            java.net.ProxySelector.setDefault(previous);
        }
    }

    /** The settings as application.yaml leaves them, with a key: online. */
    private static LlmSettings settings() {
        return new org.springframework.boot.context.properties.bind.Binder(
                        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                                java.util.Map.of("yuno.llm.openai-api-key", "sk-test")))
                .bindOrCreate("yuno.llm", LlmSettings.class);
    }

    // ---- a server written byte by byte ----

    private record Request(String line, List<String> headers, String body) {}

    private interface Handler {
        void handle(InputStream in, OutputStream out) throws IOException;
    }

    private final AtomicReference<Server> last = new AtomicReference<>();

    private Server server() {
        return last.get();
    }

    private Server server(Handler handler) throws IOException {
        var server = new Server(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), handler);
        closing.add(server);
        last.set(server);
        return server;
    }

    private static final class Server implements AutoCloseable {
        final ServerSocket listener;
        final AtomicInteger accepted = new AtomicInteger();
        final List<Request> requests = new CopyOnWriteArrayList<>();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Server(ServerSocket listener, Handler handler) {
            this.listener = listener;
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        var socket = listener.accept();
                        accepted.incrementAndGet();
                        sockets.add(socket);
                        Thread.ofVirtual().start(() -> {
                            try (socket) {
                                handler.handle(socket.getInputStream(), socket.getOutputStream());
                            } catch (IOException e) {
                                // The client went away.
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (var s : sockets) {
                s.close();
            }
        }
    }

    /** One request off the connection, or null when the client closed it. */
    private static @Nullable Request readRequest(InputStream in) throws IOException {
        var line = line(in);
        if (line == null) {
            return null;
        }
        var headers = new ArrayList<String>();
        var length = 0;
        for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
            headers.add(h);
            if (h.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        return new Request(line, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    private static @Nullable String line(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                var s = out.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            out.write(c);
        }
        return null;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static String chunk(String data) {
        var bytes = data.getBytes(StandardCharsets.UTF_8);
        return Integer.toHexString(bytes.length) + "\r\n" + data + "\r\n";
    }

    private static void await(@Nullable CountDownLatch latch) throws IOException {
        try {
            if (latch != null) {
                latch.await(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static String text(HttpResponse response) throws IOException {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** A POST as openai-java builds one: base URL, path segments, query parameters. */
    private static HttpRequest post(String url, String json) {
        var uri = java.net.URI.create(url);
        var builder = HttpRequest.builder()
                .method(HttpMethod.POST)
                .baseUrl(uri.getScheme() + "://" + uri.getRawAuthority())
                .putHeader("Authorization", "Bearer sk-test")
                .body(json(json));
        for (var segment : uri.getPath().split("/")) {
            if (!segment.isEmpty()) {
                builder.addPathSegment(segment);
            }
        }
        if (uri.getQuery() != null) {
            for (var pair : uri.getQuery().split("&")) {
                var kv = pair.split("=", 2);
                builder.putQueryParam(kv[0], kv[1]);
            }
        }
        return builder.build();
    }

    private static HttpRequestBody json(String json) {
        var bytes = json.getBytes(StandardCharsets.UTF_8);
        return new HttpRequestBody() {
            @Override
            public void writeTo(OutputStream out) {
                try {
                    out.write(bytes);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public String contentType() {
                return "application/json";
            }

            @Override
            public long contentLength() {
                return bytes.length;
            }

            @Override
            public boolean repeatable() {
                return true;
            }

            @Override
            public void close() {}
        };
    }

    private static RequestOptions options() {
        return RequestOptions.none();
    }
}
