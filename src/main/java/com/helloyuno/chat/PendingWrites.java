package com.helloyuno.chat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes that must not be lost (chat history, leads). A write goes to PostgreSQL at once; when
 * PostgreSQL is unavailable it waits in a spool directory, one fsync'ed file per write, and a
 * background drainer writes the spool in order when PostgreSQL is back, on start-up too, so that
 * a restart during an outage loses nothing. Writers must be idempotent (a write may be replayed
 * after a crash between the insert and the removal of its file). The spool is bounded by {@code
 * yuno.chat.spool-max-entries}; beyond it new writes are dropped, counted and logged.
 */
@Component
class PendingWrites implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PendingWrites.class);

    /** How a kind of write is applied. */
    private record Writer<T>(Class<T> type, Consumer<T> apply) {
        void applyJson(JsonMapper json, JsonNode payload) {
            apply.accept(json.treeToValue(payload, type));
        }
    }

    private final ChatSettings settings;
    private final JsonMapper json;
    private final Map<String, Writer<?>> writers = new ConcurrentHashMap<>();
    private final AtomicLong spooled = new AtomicLong();
    /** File names sort in submission order, across restarts too (time moves on). */
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1000);

    private final Counter dropped;
    private final Counter delayed;
    private final Object drainLock = new Object();
    private volatile boolean running;
    private volatile Thread drainer;

    PendingWrites(ChatSettings settings, JsonMapper json, MeterRegistry meters) {
        this.settings = settings;
        this.json = json;
        this.dropped = Counter.builder("yuno.chat.spool.dropped")
                .description("Writes lost because the spool was full")
                .register(meters);
        this.delayed = Counter.builder("yuno.chat.spool.delayed")
                .description("Writes that waited in the spool for PostgreSQL")
                .register(meters);
        Gauge.builder("yuno.chat.spool.size", spooled, AtomicLong::get)
                .description("Writes waiting for PostgreSQL")
                .register(meters);
    }

    <T> void register(String kind, Class<T> type, Consumer<T> apply) {
        writers.put(kind, new Writer<>(type, apply));
    }

    /** Writes now, or spools the write when PostgreSQL is unavailable (or others already wait). */
    void submit(String kind, Object payload) {
        var writer = writers.get(kind);
        if (writer == null) {
            throw new IllegalArgumentException("No writer for " + kind);
        }
        if (spooled.get() == 0) {
            try {
                apply(writer, json.valueToTree(payload));
                return;
            } catch (DataAccessException e) {
                log.warn(
                        "PostgreSQL unavailable ({}): spooling {} writes until it is back",
                        e.getClass().getSimpleName(),
                        kind);
            }
        }
        spool(kind, payload);
    }

    int waiting() {
        return (int) spooled.get();
    }

    private void spool(String kind, Object payload) {
        if (spooled.get() >= settings.spoolMaxEntries()) {
            dropped.increment();
            log.error("Spool full ({} writes): a {} write is lost", settings.spoolMaxEntries(), kind);
            return;
        }
        try {
            var dir = directory();
            var name = String.format(
                    "%020d-%s.json", System.currentTimeMillis() * 1000 + spooled.get() % 1000, UUID.randomUUID());
            var tmp = dir.resolve(name + ".tmp");
            var bytes = json.writeValueAsBytes(Map.of("kind", kind, "payload", payload));
            try (var channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            spooled.incrementAndGet();
            delayed.increment();
        } catch (IOException e) {
            dropped.increment();
            log.error("Could not spool a {} write: it is lost", kind, e);
        }
    }

    /** Writes what waits, in order, until the spool is empty or PostgreSQL fails again. */
    int drain() {
        synchronized (drainLock) {
            var written = 0;
            for (var file : spooledFiles()) {
                try {
                    var entry = json.readTree(Files.readAllBytes(file));
                    var writer = writers.get(entry.path("kind").asString());
                    if (writer == null) {
                        log.error("Spooled write {} of unknown kind; left in place", file.getFileName());
                        continue;
                    }
                    apply(writer, entry.path("payload"));
                    Files.deleteIfExists(file);
                    spooled.decrementAndGet();
                    written++;
                } catch (DataAccessException e) {
                    break;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (written > 0) {
                log.info("Wrote {} spooled writes; {} still waiting", written, spooled.get());
            }
            return written;
        }
    }

    private void apply(Writer<?> writer, JsonNode payload) {
        writer.applyJson(json, payload);
    }

    private List<Path> spooledFiles() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path directory() throws IOException {
        return Files.createDirectories(settings.spoolDirectory());
    }

    @Override
    public void start() {
        spooled.set(spooledFiles().size());
        if (spooled.get() > 0) {
            log.info("{} writes wait in the spool from before this start", spooled.get());
        }
        running = true;
        drainer = Thread.ofVirtual().name("spool-drainer").start(() -> {
            while (running) {
                try {
                    Thread.sleep(settings.spoolRetryInterval());
                    if (spooled.get() > 0) {
                        drain();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("Spool drain failed: {}", e.getClass().getSimpleName());
                }
            }
        });
    }

    /** Stops late in shutdown, after requests finished, with one last attempt to empty the spool. */
    @Override
    public void stop() {
        running = false;
        if (drainer != null) {
            drainer.interrupt();
        }
        if (spooled.get() > 0) {
            try {
                drain();
            } catch (RuntimeException e) {
                log.warn("Could not empty the spool at shutdown; {} writes wait for the next start", spooled.get());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stopped after the web server (which stops at a higher phase), so in-flight chats can still submit.
        return Integer.MIN_VALUE + 1000;
    }
}
