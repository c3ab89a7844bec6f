package com.helloyuno.spool;

import com.helloyuno.platform.Slots;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes that must not be lost. A write goes to PostgreSQL at once; only while PostgreSQL is
 * unreachable ({@link Outages}) it waits in the spool directory, one fsync'ed file per write, and a
 * background drainer writes what waits in submission order when PostgreSQL is back, after a
 * restart too. While anything waits, new writes queue behind it, so a visitor's turns and leads
 * keep their order.
 *
 * <p>A write refused for its data (PostgreSQL answers, and says no) goes to the {@code quarantine}
 * folder instead, with an ERROR log and a counter, and the writes behind it go on; so does an entry
 * that cannot be read, has no writer, or was spooled for another database. An operator replays a
 * quarantined write by moving its file back into the spool directory.
 *
 * <p>Writers must be idempotent: a write may be replayed after a crash between the insert and the
 * removal of its file. The spool is bounded by {@code yuno.spool.max-entries}; beyond it new writes
 * are dropped, counted and logged.
 */
@Component
public class Spool implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final String SUFFIX = ".json";
    /** How long a queued write waits for a slot before it looks again whether another took it. */
    private static final Duration SLOT_POLL = Duration.ofMillis(10);

    private static final Comparator<Path> BY_NAME =
            Comparator.comparing(p -> p.getFileName().toString());

    /** What became of a submitted write. */
    public enum Outcome {
        /** In PostgreSQL now. */
        WRITTEN,
        /** Waiting in the spool for PostgreSQL; written when it is back. */
        SPOOLED,
        /** Refused by PostgreSQL for its data; kept in the quarantine folder for an operator. */
        QUARANTINED,
        /** Lost: the spool was full or its directory could not be written. */
        DROPPED
    }

    /** What the health endpoint shows of the spool. */
    public record Status(int waiting, @Nullable Duration oldestAge, int quarantined) {}

    /**
     * How a kind of write is applied: a list of them at once, at most {@code maxBatch} (1 for a
     * writer that takes one at a time).
     */
    private record Writer<T>(Class<T> type, Consumer<List<T>> apply, int maxBatch) {
        /** The payload as submitted when it has the writer's type, else as its JSON read back. */
        T typed(JsonMapper json, Object payload) {
            return type.isInstance(payload) ? type.cast(payload) : json.treeToValue(json.valueToTree(payload), type);
        }

        T fromJson(JsonMapper json, JsonNode payload) {
            return json.treeToValue(payload, type);
        }
    }

    /** A write waiting to be taken into a batch by whichever writer holds a slot first. */
    private static final class Pending {
        static final int QUEUED = 0;
        static final int TAKEN = 1;
        static final int ABANDONED = 2;

        final Object payload;
        final AtomicInteger state = new AtomicInteger(QUEUED);
        /** What became of it: {@code null} when it must go to the spool. */
        final CompletableFuture<@Nullable Outcome> outcome = new CompletableFuture<>();

        Pending(Object payload) {
            this.payload = payload;
        }
    }

    private final SpoolSettings settings;
    private final DatabaseIdentity database;
    private final JsonMapper json;
    private final Clock clock;
    private final Map<String, Writer<?>> writers = new ConcurrentHashMap<>();
    /** Writes of each batched kind waiting for a write slot, in submission order. */
    private final Map<String, ConcurrentLinkedQueue<Pending>> waitingForSlot = new ConcurrentHashMap<>();

    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong quarantinedFiles = new AtomicLong();
    /** File names sort in submission order, across restarts too (they start from the clock). */
    private final AtomicLong sequence = new AtomicLong();
    /** Set while writes wait because of an outage, so that it is logged once, not per write. */
    private final AtomicBoolean outage = new AtomicBoolean();

    private final Counter dropped;
    private final Counter delayed;
    private final Counter quarantined;
    private final Object drainLock = new Object();
    /**
     * Held while a write is spooled and counted, and while a drain counts what is left: otherwise a
     * write spooled between the drain's count and its update of the counter would leave the counter
     * at 0 with a file waiting, and the next writes would overtake it.
     */
    private final Object countLock = new Object();

    /** Bounds the writes in flight to {@code max-concurrent-writes} pooled connections. */
    private final Slots writeSlots;

    private volatile boolean running;
    private volatile @Nullable Thread drainer;

    Spool(SpoolSettings settings, DatabaseIdentity database, JsonMapper json, MeterRegistry meters) {
        this.settings = settings;
        this.database = database;
        this.json = json;
        this.clock = Clock.systemUTC();
        this.writeSlots = new Slots(settings.maxConcurrentWrites());
        // Metric names kept from when the spool served the chat alone, so dashboards keep working.
        this.dropped = Counter.builder("yuno.chat.spool.dropped")
                .description("Writes lost because the spool was full or could not be written")
                .register(meters);
        this.delayed = Counter.builder("yuno.chat.spool.delayed")
                .description("Writes that waited in the spool for PostgreSQL")
                .register(meters);
        this.quarantined = Counter.builder("yuno.spool.quarantined")
                .description("Writes PostgreSQL refused for their data, moved to the quarantine folder")
                .register(meters);
        Gauge.builder("yuno.chat.spool.size", spooled, AtomicLong::get)
                .description("Writes waiting for PostgreSQL")
                .register(meters);
        Gauge.builder("yuno.spool.quarantine.size", quarantinedFiles, AtomicLong::get)
                .description("Files in the quarantine folder, waiting for an operator")
                .register(meters);
        Gauge.builder("yuno.spool.writes.queued", waitingForSlot, Spool::queued)
                .description("Writes waiting for a write slot, to go in the next batch")
                .register(meters);
        Gauge.builder("yuno.spool.writes.in.flight", writeSlots, Slots::inUse)
                .description("Writes being sent to PostgreSQL now (at most yuno.spool.max-concurrent-writes)")
                .register(meters);
    }

    /** Registers how writes of a kind are applied; the kind names them in the spool's files. */
    public <T> void register(String kind, Class<T> type, Consumer<T> apply) {
        writers.put(kind, new Writer<>(type, payloads -> payloads.forEach(apply), 1));
    }

    /**
     * Registers a kind whose writes are applied several at once, in one statement: writes that
     * wait for a write slot at the same time go in together (up to {@code yuno.spool.max-batch}),
     * and so do spooled ones when they are drained. A write refused for its data in a batch is
     * found by writing that batch's writes one at a time; only it is quarantined.
     */
    public <T> void registerBatch(String kind, Class<T> type, Consumer<List<T>> apply) {
        writers.put(kind, new Writer<>(type, apply, settings.maxBatch()));
        waitingForSlot.put(kind, new ConcurrentLinkedQueue<>());
    }

    /**
     * Writes now; or, when PostgreSQL is unreachable or other writes already wait, spools the write;
     * or, when PostgreSQL refuses it for its data, quarantines it.
     */
    public Outcome submit(String kind, Object payload) {
        var writer = writers.get(kind);
        if (writer == null) {
            throw new IllegalArgumentException("No writer for " + kind);
        }
        if (spooled.get() == 0) {
            var outcome = writeNow(kind, writer, payload);
            if (outcome != null) {
                return outcome;
            }
        }
        return spool(kind, payload);
    }

    /**
     * The write sent to PostgreSQL at once, in one of the write slots: written, or quarantined when
     * PostgreSQL refuses it for its data; {@code null} when it must wait in the spool (no slot came
     * within {@code write-wait}, or PostgreSQL is away).
     *
     * <p>For a batched kind, the write queues; whoever gets a slot takes what queued (its own write
     * or others') and writes it in one statement, like a group commit. Under load this is what keeps
     * writes in step with answers: three slots writing one turn per round trip fell behind at
     * about 400 answers a second on two cores, and the writes then went to disk.
     */
    private @Nullable Outcome writeNow(String kind, Writer<?> writer, Object payload) {
        var queue = waitingForSlot.get(kind);
        if (queue == null) {
            if (!writeSlots.tryAcquire(settings.writeWait())) {
                slowWrites();
                return null;
            }
            try {
                return writeBatch(kind, writer, List.of(new Pending(payload)));
            } finally {
                writeSlots.release();
            }
        }
        var mine = new Pending(payload);
        queue.add(mine);
        var deadline = System.nanoTime() + settings.writeWait().toNanos();
        while (mine.state.get() == Pending.QUEUED) {
            var left = deadline - System.nanoTime();
            if (left <= 0) {
                if (mine.state.compareAndSet(Pending.QUEUED, Pending.ABANDONED)) {
                    queue.remove(mine);
                    slowWrites();
                    return null;
                }
                break;
            }
            // In short steps, so that a write another thread took is noticed at once rather than
            // after this thread's own turn at a slot.
            if (!writeSlots.tryAcquire(Duration.ofNanos(Math.min(left, SLOT_POLL.toNanos())))) {
                continue;
            }
            try {
                var batch = take(queue, writer.maxBatch());
                if (!batch.isEmpty()) {
                    writeBatch(kind, writer, batch);
                }
            } finally {
                writeSlots.release();
            }
        }
        // Taken into a batch, by this thread or another: its outcome is that batch's.
        return mine.outcome.join();
    }

    /** Up to {@code max} queued writes, oldest first, each taken by this caller alone. */
    private static List<Pending> take(ConcurrentLinkedQueue<Pending> queue, int max) {
        var batch = new ArrayList<Pending>(Math.min(max, 16));
        Pending next;
        while (batch.size() < max && (next = queue.poll()) != null) {
            if (next.state.compareAndSet(Pending.QUEUED, Pending.TAKEN)) {
                batch.add(next);
            }
        }
        return batch;
    }

    private void slowWrites() {
        // PostgreSQL is up but slower than the writes come: they wait on disk, not in memory,
        // and the drain catches up in order.
        if (outage.compareAndSet(false, true)) {
            log.warn(
                    "Writes waited over {} for one of {} write slots: spooling writes until they catch up",
                    settings.writeWait(),
                    settings.maxConcurrentWrites());
        }
    }

    /**
     * Writes a batch in one go and settles each write's outcome ({@link #writeInOrder}): written;
     * spooled, in the batch's order, when PostgreSQL is away; quarantined alone when PostgreSQL
     * refuses it for its data. Every write's outcome is settled, whatever is thrown.
     */
    private <T> @Nullable Outcome writeBatch(String kind, Writer<T> writer, List<Pending> batch) {
        try {
            // Applied as submitted: a JSON tree is made only for a file (spool or quarantine). A
            // round trip through a tree on every write was about 3 % of the CPU of an answer in
            // the chat benchmark's profile.
            writeInOrder(writer, batch, pending -> writer.typed(json, pending.payload), new Settle<>() {
                @Override
                public void written(List<Pending> writes) {
                    writes.forEach(p -> p.outcome.complete(Outcome.WRITTEN));
                }

                @Override
                public void refused(Pending write, RuntimeException failure) {
                    write.outcome.complete(quarantineNew(kind, write.payload, failure));
                }

                @Override
                public void notWritten(List<Pending> writes) {
                    spoolInOrder(kind, writes);
                }
            });
        } finally {
            // Whatever went wrong (an Error from a writer), a write not settled goes to the spool,
            // by this thread and in the batch's order: writers are idempotent, and no other thread
            // must be failed for this batch. Should even that fail, each write's own thread spools it.
            var unsettled = batch.stream().filter(p -> !p.outcome.isDone()).toList();
            try {
                spoolInOrder(kind, unsettled);
            } finally {
                unsettled.forEach(p -> p.outcome.complete(null));
            }
        }
        return batch.getFirst().outcome.join();
    }

    /** What became of the writes of a batch, told by {@link #writeInOrder} in the batch's order. */
    private interface Settle<W> {
        /** In PostgreSQL now. */
        void written(List<W> writes);

        /** Refused by PostgreSQL for its own data, written alone. */
        void refused(W write, RuntimeException failure);

        /** Not written because PostgreSQL went away, in order (in one or two calls); nothing after them is. */
        void notWritten(List<W> writes);
    }

    /**
     * The one policy for a batch, live or drained: write it in one statement; when PostgreSQL
     * refuses it for its data, write its writes one at a time so that only the refused one is
     * set aside and the others are kept; when PostgreSQL is away, stop, and hand what is not
     * written on in order, so that nothing overtakes it.
     *
     * @return false when it stopped because PostgreSQL went away
     */
    private <T, W> boolean writeInOrder(Writer<T> writer, List<W> writes, Function<W, T> payload, Settle<W> settle) {
        var failure = apply(writer, writes, payload);
        if (failure == null || writes.size() == 1 || Outages.isOutage(failure)) {
            return settled(writes, failure, settle);
        }
        // Refused for the data of one of them: each alone, so that only that one is set aside.
        for (int i = 0; i < writes.size(); i++) {
            var one = List.of(writes.get(i));
            if (!settled(one, apply(writer, one, payload), settle)) {
                settle.notWritten(writes.subList(i + 1, writes.size()));
                return false;
            }
        }
        return true;
    }

    /**
     * Settles writes applied together: written, not written (PostgreSQL away: false), or refused
     * for their data, which a caller sees only for a single write.
     */
    private <W> boolean settled(List<W> writes, @Nullable RuntimeException failure, Settle<W> settle) {
        if (failure == null) {
            settle.written(writes);
            return true;
        }
        if (Outages.isOutage(failure)) {
            away(failure);
            settle.notWritten(writes);
            return false;
        }
        settle.refused(writes.getFirst(), failure);
        return true;
    }

    /** The writes applied in one call: {@code null} when written, else why not. */
    private static <T, W> @Nullable RuntimeException apply(Writer<T> writer, List<W> writes, Function<W, T> payload) {
        try {
            var typed = new ArrayList<T>(writes.size());
            for (var write : writes) {
                typed.add(payload.apply(write));
            }
            writer.apply().accept(typed);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** A batch's writes to the spool by the thread that held it, so that they keep their order there. */
    private void spoolInOrder(String kind, List<Pending> writes) {
        for (var pending : writes) {
            pending.outcome.complete(spool(kind, pending.payload));
        }
    }

    private void away(RuntimeException e) {
        if (outage.compareAndSet(false, true)) {
            log.warn("PostgreSQL unavailable ({}): spooling writes until it is back", Outages.describe(e));
        }
    }

    private static double queued(Map<String, ConcurrentLinkedQueue<Pending>> queues) {
        return queues.values().stream().mapToInt(ConcurrentLinkedQueue::size).sum();
    }

    /** Writes waiting for PostgreSQL. */
    public int waiting() {
        return (int) spooled.get();
    }

    public Status status() {
        var oldest = first(settings.directory()).map(this::age).orElse(null);
        return new Status(waiting(), oldest, (int) quarantinedFiles.get());
    }

    private Outcome spool(String kind, Object payload) {
        synchronized (countLock) {
            if (spooled.get() >= settings.maxEntries()) {
                dropped.increment();
                log.error("Spool full ({} writes): a {} write is lost", settings.maxEntries(), kind);
                return Outcome.DROPPED;
            }
            try {
                writeDurably(directory(), newName(), json.writeValueAsBytes(newEntry(kind, payload)));
                spooled.incrementAndGet();
                delayed.increment();
                return Outcome.SPOOLED;
            } catch (IOException | RuntimeException e) {
                dropped.increment();
                log.error(
                        "Could not spool a {} write ({}): it is lost",
                        kind,
                        e.getClass().getSimpleName());
                return Outcome.DROPPED;
            }
        }
    }

    /** An entry as it is stored: what kind of write, for which database, since when, and the write. */
    private Map<String, Object> newEntry(String kind, Object payload) {
        var entry = new LinkedHashMap<String, Object>();
        entry.put("kind", kind);
        database.current().ifPresent(id -> entry.put("database", id));
        entry.put("spooled_at", clock.instant().toString());
        entry.put("payload", payload);
        return entry;
    }

    private String newName() {
        return String.format("%020d%s", nextSequence(), SUFFIX);
    }

    /** Strictly increasing, and never behind the clock, so names sort as submissions happened. */
    private long nextSequence() {
        var floor = clock.millis() * 1000;
        return sequence.updateAndGet(last -> Math.max(last + 1, floor));
    }

    /**
     * Writes what waits, in order, until the spool is empty or PostgreSQL fails again. An entry
     * PostgreSQL refuses for its data is quarantined and the drain goes on.
     *
     * <p>While anything waits, new writes queue behind it in the spool; so a drain goes on, pass
     * after pass over what came meanwhile, until a pass leaves nothing behind. One pass per
     * retry interval would leave the writes of that interval waiting after every pass, and under
     * steady traffic the spool would never empty after an outage: every later write would go
     * through a file, and reach the database seconds late.
     *
     * @return how many entries were written
     */
    public int drain() {
        synchronized (drainLock) {
            var written = 0;
            Pass pass;
            do {
                pass = drainPass();
                written += pass.written();
            } while (pass.left() > 0 && !pass.stopped() && pass.done() > 0);
            if (written > 0) {
                log.info("Wrote {} spooled writes; {} still waiting", written, pass.left());
            }
            if (pass.left() == 0 && outage.compareAndSet(true, false)) {
                log.info("PostgreSQL is back: the spool is empty");
            }
            return written;
        }
    }

    /**
     * What one pass over the spooled files did: how many it wrote, how many it wrote or
     * quarantined, how many files are left, and whether it stopped early (an outage, a shutdown).
     */
    private record Pass(int written, int done, long left, boolean stopped) {}

    /** What writing one drain batch did: written, written or quarantined, stopped by an outage. */
    private record Flushed(int written, int done, boolean stopped) {}

    private Pass drainPass() {
        var written = 0;
        var done = 0;
        var stopped = false;
        database.load();
        var batch = new DrainBatch();
        for (var file : spooledFiles()) {
            if (Thread.currentThread().isInterrupted()) {
                // Stopping: what is left waits for the stop's own drain or the next start. An
                // interrupted thread cannot read files, and must not take them for unreadable.
                stopped = true;
                break;
            }
            ObjectNode entry;
            try {
                entry = (ObjectNode) json.readTree(Files.readAllBytes(file));
            } catch (java.nio.channels.ClosedByInterruptException e) {
                Thread.currentThread().interrupt();
                stopped = true;
                break;
            } catch (IOException | RuntimeException e) {
                quarantineFile(file, null, "unreadable", e);
                done++;
                continue;
            }
            var kind = entry.path("kind").asString("");
            var writer = writers.get(kind);
            if (writer == null) {
                quarantineFile(file, entry, "no writer for kind '" + kind + "'", null);
                done++;
                continue;
            }
            var ownDatabase = database.current().orElse(null);
            var entryDatabase = entry.path("database").asString(null);
            if (entryDatabase != null && ownDatabase != null && !entryDatabase.equals(ownDatabase)) {
                quarantineFile(file, entry, "spooled for another database (" + entryDatabase + ")", null);
                done++;
                continue;
            }
            if (!batch.accepts(kind, writer)) {
                var flushed = flush(batch);
                written += flushed.written();
                done += flushed.done();
                if (flushed.stopped()) {
                    stopped = true;
                    break;
                }
            }
            batch.add(kind, writer, file, entry);
        }
        if (!stopped) {
            var flushed = flush(batch);
            written += flushed.written();
            done += flushed.done();
            stopped = flushed.stopped();
        }
        long left;
        synchronized (countLock) {
            left = countJsonFiles(settings.directory());
            spooled.set(left);
        }
        return new Pass(written, done, left, stopped);
    }

    /** Consecutive spooled entries of one kind, written together (one entry for unbatched kinds). */
    private static final class DrainBatch {
        @Nullable
        String kind;

        @Nullable
        Writer<?> writer;

        final List<Spooled> entries = new ArrayList<>();

        boolean accepts(String kind, Writer<?> writer) {
            return entries.isEmpty() || (kind.equals(this.kind) && entries.size() < writer.maxBatch());
        }

        void add(String kind, Writer<?> writer, Path file, ObjectNode entry) {
            this.kind = kind;
            this.writer = writer;
            entries.add(new Spooled(file, entry));
        }
    }

    /** A spooled write read back: its file and what the file holds. */
    private record Spooled(Path file, ObjectNode entry) {}

    /**
     * Writes a drain batch and removes its files; a batch PostgreSQL refuses for its data is
     * written one entry at a time, so that only the refused entry is quarantined.
     */
    private Flushed flush(DrainBatch batch) {
        if (batch.entries.isEmpty()) {
            return new Flushed(0, 0, false);
        }
        try {
            return flush(batch.writer, List.copyOf(batch.entries));
        } finally {
            batch.entries.clear();
        }
    }

    private <T> Flushed flush(Writer<T> writer, List<Spooled> entries) {
        var written = new AtomicInteger();
        var done = new AtomicInteger();
        var whole = writeInOrder(
                writer, entries, e -> writer.fromJson(json, e.entry().path("payload")), new Settle<>() {
                    @Override
                    public void written(List<Spooled> writes) {
                        for (var write : writes) {
                            try {
                                Files.deleteIfExists(write.file());
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                        written.addAndGet(writes.size());
                        done.addAndGet(writes.size());
                    }

                    @Override
                    public void refused(Spooled write, RuntimeException failure) {
                        quarantineFile(write.file(), write.entry(), "refused by PostgreSQL", failure);
                        done.incrementAndGet();
                    }

                    @Override
                    public void notWritten(List<Spooled> writes) {
                        // They stay in their files, in their order, for the next pass.
                    }
                });
        return new Flushed(written.get(), done.get(), !whole);
    }

    private Outcome quarantineNew(String kind, Object payload, RuntimeException failure) {
        try {
            var entry = (ObjectNode) json.valueToTree(newEntry(kind, payload));
            var name = newName();
            addQuarantineNote(entry, "refused by PostgreSQL", failure);
            writeDurably(quarantineDirectory(), name, json.writeValueAsBytes(entry));
            counted(kind, name, "refused by PostgreSQL", failure);
            return Outcome.QUARANTINED;
        } catch (IOException | RuntimeException e) {
            dropped.increment();
            log.error(
                    "A {} write refused by PostgreSQL ({}) could not be quarantined ({}): it is lost",
                    kind,
                    Outages.describe(failure),
                    e.getClass().getSimpleName());
            return Outcome.DROPPED;
        }
    }

    /**
     * Moves a spooled entry aside, with why, so that it never blocks the writes behind it. The
     * file keeps its name: moved back, it takes its place in the order again.
     */
    private void quarantineFile(Path file, @Nullable ObjectNode entry, String reason, @Nullable Throwable failure) {
        var name = file.getFileName().toString();
        try {
            var dir = quarantineDirectory();
            if (entry == null) {
                Files.move(file, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } else {
                addQuarantineNote(entry, reason, failure);
                writeDurably(dir, name, json.writeValueAsBytes(entry));
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        counted(entry == null ? "unreadable" : entry.path("kind").asString(""), name, reason, failure);
    }

    private void addQuarantineNote(ObjectNode entry, String reason, @Nullable Throwable failure) {
        var note = entry.putObject("quarantine");
        note.put("reason", reason);
        note.put("at", clock.instant().toString());
        if (failure != null) {
            // Kept beside the data it is about, for the operator; never logged (it may quote the data).
            var root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            note.put("failure", Outages.describe(failure));
            note.put("message", String.valueOf(root.getMessage()));
        }
    }

    private void counted(String kind, String name, String reason, @Nullable Throwable failure) {
        quarantined.increment();
        quarantinedFiles.incrementAndGet();
        log.error(
                "A write of kind '{}' was quarantined: {}{}; it is kept as {}/{} and the writes behind it go on",
                kind,
                reason,
                failure == null ? "" : " " + Outages.describe(failure),
                settings.quarantine(),
                name);
    }

    private static void writeDurably(Path dir, String name, byte[] bytes) throws IOException {
        var tmp = dir.resolve(name + ".tmp");
        try (var channel = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Duration age(Path file) {
        var name = file.getFileName().toString();
        try {
            var micros = Long.parseLong(name.substring(0, name.indexOf('.')));
            return Duration.between(Instant.ofEpochMilli(micros / 1000), clock.instant());
        } catch (RuntimeException e) {
            return Duration.ZERO;
        }
    }

    private List<Path> spooledFiles() {
        return jsonFiles(settings.directory());
    }

    private static List<Path> jsonFiles(Path dir) {
        return withJsonFiles(dir, files -> files.sorted(BY_NAME).toList(), List.of());
    }

    /** Counted and looked at without sorting: the health check and the drainer's tick do this often. */
    private static long countJsonFiles(Path dir) {
        return withJsonFiles(dir, Stream::count, 0L);
    }

    private static java.util.Optional<Path> first(Path dir) {
        return withJsonFiles(dir, files -> files.min(BY_NAME), java.util.Optional.empty());
    }

    private static <R> R withJsonFiles(Path dir, java.util.function.Function<Stream<Path>, R> use, R none) {
        if (!Files.isDirectory(dir)) {
            return none;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return use.apply(files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path directory() throws IOException {
        return Files.createDirectories(settings.directory());
    }

    private Path quarantineDirectory() throws IOException {
        return Files.createDirectories(settings.quarantine());
    }

    /**
     * The spool is only written during an outage, the worst time to learn that its folder cannot
     * be (a container whose working directory belongs to root, a volume mounted read-only): every
     * write of the outage would be lost. So the folder is made and a file written in it at start
     * (its quarantine/ is made in it when needed), and start-up stops with the setting to fix.
     */
    private void checkWritable() {
        var dir = settings.directory().toAbsolutePath();
        try {
            Files.delete(Files.createTempFile(Files.createDirectories(dir), "write-check-", ".tmp"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "The spool folder " + dir + " cannot be written ("
                            + e.getClass().getSimpleName()
                            + "): set YUNO_SPOOL_DIR to a folder this user may write, on a persistent volume",
                    e);
        }
    }

    /** Counts what is on disk: an operator may have put quarantined writes back, or removed them. */
    private void recount() {
        synchronized (countLock) {
            spooled.set(countJsonFiles(settings.directory()));
        }
        quarantinedFiles.set(countJsonFiles(settings.quarantine()));
    }

    @Override
    public void start() {
        checkWritable();
        database.load();
        recount();
        if (spooled.get() > 0) {
            log.info("{} writes wait in the spool from before this start", spooled.get());
        }
        if (quarantinedFiles.get() > 0) {
            log.warn("{} quarantined writes wait for an operator in {}", quarantinedFiles.get(), settings.quarantine());
        }
        running = true;
        drainer = Thread.ofVirtual().name("spool-drainer").start(() -> {
            while (running) {
                try {
                    Thread.sleep(settings.retryInterval());
                    recount();
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
        var thread = drainer;
        if (thread != null) {
            thread.interrupt();
        }
        if (spooled.get() > 0) {
            try {
                drain();
            } catch (RuntimeException e) {
                log.warn("Could not empty the spool at shutdown; {} writes wait for the next start", spooled.get());
            }
            if (spooled.get() > 0) {
                log.warn("{} writes wait in the spool for the next start", spooled.get());
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
