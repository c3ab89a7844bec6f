package com.helloyuno.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of the real Redis that a test can cut (connections drop, new ones
 * are closed at once: Redis is unreachable), stall (bytes stop flowing: Redis is slow) and restore.
 * It works the same with local services and with Testcontainers.
 */
final class RedisProxy implements AutoCloseable {

    enum Mode {
        OPEN,
        CUT,
        STALLED
    }

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object modeChanged = new Object();
    private volatile Mode mode = Mode.OPEN;
    private volatile boolean closed;

    RedisProxy(String redisUrl) {
        var uri = URI.create(redisUrl);
        this.targetHost = uri.getHost();
        this.targetPort = uri.getPort() < 0 ? 6379 : uri.getPort();
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("redis-proxy-accept").start(this::acceptLoop);
    }

    /** The URL to give the application instead of the real Redis's. */
    String url() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    /** Redis becomes unreachable: open connections drop, new ones are closed at once. */
    void cut() {
        setMode(Mode.CUT);
        for (var socket : sockets) {
            closeQuietly(socket);
        }
    }

    /** Redis becomes slow: connections stay up but nothing flows until {@link #restore}. */
    void stall() {
        setMode(Mode.STALLED);
    }

    void restore() {
        setMode(Mode.OPEN);
    }

    private void setMode(Mode mode) {
        synchronized (modeChanged) {
            this.mode = mode;
            modeChanged.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (mode == Mode.CUT) {
                closeQuietly(client);
                continue;
            }
            try {
                var upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        var buffer = new byte[8192];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                awaitFlow();
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // The connection was cut or closed: end both directions below.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void awaitFlow() throws InterruptedException, IOException {
        synchronized (modeChanged) {
            while (mode == Mode.STALLED) {
                modeChanged.wait();
            }
            if (mode == Mode.CUT) {
                throw new IOException("cut");
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Already closed.
        }
        for (var socket : sockets) {
            closeQuietly(socket);
        }
    }
}
