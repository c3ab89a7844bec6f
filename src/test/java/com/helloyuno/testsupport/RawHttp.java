package com.helloyuno.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP/1.1 over a plain socket, for requests that {@link java.net.http.HttpClient} refuses to send:
 * control characters, raw bytes or malformed encodings in the request line and headers.
 */
public final class RawHttp {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    /** Sends these bytes as they are and reads the answer until the server closes or goes quiet. */
    public Response send(byte[] request) {
        return send(request, request.length, Duration.ZERO);
    }

    /**
     * Sends the first {@code first} bytes, waits {@code pause}, then sends the rest: a client slow
     * to send its body. Reads the answer as {@link #send(byte[])} does.
     */
    public Response send(byte[] request, int first, Duration pause) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(15_000);
            var out = socket.getOutputStream();
            out.write(request, 0, first);
            out.flush();
            if (first < request.length) {
                Sleep.sleep(pause);
                out.write(request, first, request.length - first);
                out.flush();
            }
            return Response.parse(readAll(socket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A request whose first line is {@code method target HTTP/1.1}, with {@code Host} and {@code
     * Connection: close}, these header lines (sent as given) and this body.
     */
    public Response send(String method, String target, String headerLines, byte[] body) {
        return send(request(method, target, headerLines, body));
    }

    /** The bytes of the request {@link #send(String, String, String, byte[])} sends. */
    public byte[] request(String method, String target, String headerLines, byte[] body) {
        var head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                + headerLines
                + (body.length > 0 ? "Content-Length: " + body.length + "\r\n" : "")
                + "\r\n";
        var out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    public Response get(String target, String headerLines) {
        return send("GET", target, headerLines, new byte[0]);
    }

    private static byte[] readAll(Socket socket) throws IOException {
        var out = new ByteArrayOutputStream();
        var buffer = new byte[8192];
        try {
            int n;
            while ((n = socket.getInputStream().read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // What arrived is the answer; a reset after it changes nothing.
        }
        return out.toByteArray();
    }

    /** How long a connection that sent this much stays open before the server closes it. */
    public static Duration heldFor(int port, byte[] partialRequest, Duration giveUpAfter) {
        var start = System.nanoTime();
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) giveUpAfter.toMillis());
            socket.getOutputStream().write(partialRequest);
            socket.getOutputStream().flush();
            readAll(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The status line's code (0 when nothing came back), the headers and the body, de-chunked. */
    public record Response(int status, Map<String, String> headers, String body) {

        static Response parse(byte[] raw) {
            var text = new String(raw, StandardCharsets.ISO_8859_1);
            // Interim answers (100 Continue) come before the real one.
            while (text.startsWith("HTTP/1.1 1") && text.indexOf("\r\n\r\n") > 0) {
                text = text.substring(text.indexOf("\r\n\r\n") + 4);
            }
            var end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/") || end < 0) {
                return new Response(0, Map.of(), text);
            }
            var lines = text.substring(0, end).split("\r\n");
            var status = Integer.parseInt(lines[0].split(" ")[1]);
            var headers = new LinkedHashMap<String, String>();
            for (int i = 1; i < lines.length; i++) {
                var colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(
                            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            var body = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new Response(
                    status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }

        private static String dechunk(String body) {
            var out = new StringBuilder();
            var at = 0;
            while (at < body.length()) {
                var lineEnd = body.indexOf("\r\n", at);
                if (lineEnd < 0) {
                    break;
                }
                var size = Integer.parseInt(
                        body.substring(at, lineEnd).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                out.append(body, lineEnd + 2, Math.min(body.length(), lineEnd + 2 + size));
                at = lineEnd + 2 + size + 2;
            }
            return out.toString();
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }
    }
}
