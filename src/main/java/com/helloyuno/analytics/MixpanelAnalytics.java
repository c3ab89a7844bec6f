package com.helloyuno.analytics;

import com.mixpanel.mixpanelapi.ClientDelivery;
import com.mixpanel.mixpanelapi.MessageBuilder;
import com.mixpanel.mixpanelapi.MixpanelAPI;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events to Mixpanel with mixpanel-java, from a bounded buffer, in batches of {@code
 * batch-size}, on a thread of its own: a full batch goes at once, a partial one after {@code
 * flush-interval}. {@link #track} only offers the event to the buffer: when Mixpanel is slow or
 * down the buffer fills and new events are dropped and counted, and no caller ever waits. A batch
 * that fails is counted and dropped, not retried: analytics may lose events, chats may not slow.
 */
final class MixpanelAnalytics implements Analytics, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MixpanelAnalytics.class);
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final ArrayBlockingQueue<Pending> buffer;
    private final int batchSize;
    private final long flushIntervalNanos;
    private final Duration shutdownTimeout;
    private final MessageBuilder messages;
    private final MixpanelAPI mixpanel;
    private final VisitorIds visitors;
    private final Counter sent;
    private final Counter dropped;
    private final Counter failed;
    private final Thread sender;
    private volatile boolean stopping;
    private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;

    MixpanelAnalytics(AnalyticsSettings settings, MeterRegistry meters) {
        this.buffer = new ArrayBlockingQueue<>(settings.bufferSize());
        this.batchSize = settings.batchSize();
        this.flushIntervalNanos = settings.flushInterval().toNanos();
        this.shutdownTimeout = settings.shutdownTimeout();
        this.messages = new MessageBuilder(settings.mixpanelToken());
        var base = settings.mixpanelApiUrl().toString().replaceAll("/+$", "");
        this.mixpanel = new MixpanelAPI.Builder()
                .eventsEndpoint(base + "/track")
                .peopleEndpoint(base + "/engage")
                .groupsEndpoint(base + "/groups")
                .importEndpoint(base + "/import")
                .connectTimeout(millis(settings.connectTimeout()))
                .readTimeout(millis(settings.readTimeout()))
                .build();
        this.visitors = new VisitorIds(settings.visitorSalt());
        this.sent = counter(meters, "sent");
        this.dropped = counter(meters, "dropped");
        this.failed = counter(meters, "failed");
        Gauge.builder("yuno.analytics.buffered", buffer, ArrayBlockingQueue::size)
                .description("Analytics events waiting to be sent")
                .register(meters);
        // A platform thread: its blocking HTTP calls ignore the interrupt that wakes it at shutdown.
        this.sender = Thread.ofPlatform().name("yuno-analytics").daemon(true).start(this::run);
    }

    @Override
    public void track(AnalyticsEvent event) {
        if (stopping || !buffer.offer(new Pending(event, System.currentTimeMillis()))) {
            dropped.increment();
        }
    }

    /** Stops taking events and sends what is buffered, waiting at most the shutdown timeout. */
    @Override
    public void close() {
        stopping = true;
        sender.interrupt();
        try {
            sender.join(shutdownTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            log.warn(
                    "Analytics: {} event(s) not sent within the shutdown timeout of {}",
                    buffer.size(),
                    shutdownTimeout);
        }
        mixpanel.close();
    }

    private void run() {
        var batch = new ArrayList<Pending>(batchSize);
        var nextFlush = System.nanoTime() + flushIntervalNanos;
        while (!(stopping && buffer.isEmpty() && batch.isEmpty())) {
            try {
                var wait = nextFlush - System.nanoTime();
                var next = stopping || wait <= 0 ? buffer.poll() : buffer.poll(wait, TimeUnit.NANOSECONDS);
                if (next != null) {
                    batch.add(next);
                    buffer.drainTo(batch, batchSize - batch.size());
                }
            } catch (InterruptedException e) {
                // close() wakes us up: send what is left at once.
                continue;
            }
            if (batch.size() >= batchSize || stopping || System.nanoTime() - nextFlush >= 0) {
                if (!batch.isEmpty()) {
                    send(batch);
                    batch.clear();
                }
                nextFlush = System.nanoTime() + flushIntervalNanos;
            }
        }
    }

    private void send(List<Pending> batch) {
        try {
            var delivery = new ClientDelivery();
            for (var pending : batch) {
                delivery.addMessage(message(pending));
            }
            mixpanel.deliver(delivery);
            sent.increment(batch.size());
        } catch (Exception e) {
            failed.increment(batch.size());
            var now = System.nanoTime();
            if (now - lastWarning >= WARN_EVERY_NANOS) {
                lastWarning = now;
                log.warn(
                        "Analytics: Mixpanel refused or did not answer a batch of {} event(s): {}",
                        batch.size(),
                        e.getClass().getSimpleName());
            }
        }
    }

    private JSONObject message(Pending pending) {
        var event = pending.event();
        var properties = new JSONObject();
        properties.put("site_id", event.siteId());
        event.properties().forEach(properties::put);
        properties.put("time", pending.trackedAt());
        properties.put("$insert_id", UUID.randomUUID().toString());
        return messages.event(visitors.of(event.siteId(), event.sessionId()), event.name(), properties);
    }

    private static Counter counter(MeterRegistry meters, String outcome) {
        return Counter.builder("yuno.analytics.events")
                .description("Analytics events by what became of them")
                .tag("outcome", outcome)
                .register(meters);
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }

    private record Pending(AnalyticsEvent event, long trackedAt) {}
}
