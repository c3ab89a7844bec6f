package com.helloyuno.notify;

import com.helloyuno.analytics.Analytics;
import com.helloyuno.analytics.AnalyticsEvent;
import com.helloyuno.platform.Workers;
import com.helloyuno.problem.ApiException;
import com.helloyuno.site.SiteService;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Drains the outbox on every instance: claims due rows for a lease ({@code FOR UPDATE SKIP
 * LOCKED}, so instances share the work without sending a row twice while its claim holds), sends
 * each on a virtual thread with no transaction open, and records the attempt. Failures that may
 * pass are retried by the {@link RetryPolicy}; a row whose instance died mid-send is claimed again
 * once its lease runs out, so delivery is at least once. On a graceful stop, the sends in flight
 * finish (each is bounded by its timeout) and unsent claims are given back.
 */
@Component
class DeliveryWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    private final Outbox outbox;
    private final SiteService sites;
    private final WebhookSender webhooks;
    private final LeadMailer mail;
    private final Analytics analytics;
    private final NotifySettings settings;
    private final RetryPolicy retries;
    private final Clock clock;
    private final String owner;
    private volatile @Nullable ScheduledExecutorService scheduler;
    /** Set while polls fail (PostgreSQL away), so that an outage is logged once, not every poll. */
    private final AtomicBoolean failing = new AtomicBoolean();

    DeliveryWorker(
            Outbox outbox,
            SiteService sites,
            WebhookSender webhooks,
            LeadMailer mail,
            Analytics analytics,
            NotifySettings settings,
            Clock clock) {
        this.outbox = outbox;
        this.sites = sites;
        this.webhooks = webhooks;
        this.mail = mail;
        this.analytics = analytics;
        this.settings = settings;
        this.retries = new RetryPolicy(
                settings.delivery(), () -> ThreadLocalRandom.current().nextDouble());
        this.clock = clock;
        this.owner = Workers.newOwner();
    }

    /** Looks at the outbox now rather than at the next poll. */
    void wake() {
        var executor = scheduler;
        if (executor != null) {
            try {
                executor.execute(this::poll);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // Stopping.
            }
        }
    }

    /** Claims what is due and sends it, one batch at a time, until nothing more is due. */
    synchronized void poll() {
        try {
            while (scheduler != null) {
                var claimed = outbox.claim(
                        owner, settings.delivery().lease(), settings.delivery().batchSize());
                if (failing.compareAndSet(true, false)) {
                    log.info("The outbox is readable again: deliveries go on");
                }
                if (claimed.isEmpty()) {
                    return;
                }
                var threads = new ArrayList<Thread>();
                for (var row : claimed) {
                    threads.add(Thread.ofVirtual().name("delivery-" + row.id()).start(() -> deliver(row)));
                }
                for (var thread : threads) {
                    thread.join();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (failing.compareAndSet(false, true)) {
                log.warn(
                        "Outbox poll failed ({}): deliveries wait until it can be read again",
                        e.getClass().getSimpleName());
            }
        }
    }

    private void deliver(Outbox.Claimed row) {
        var started = System.nanoTime();
        Attempted attempted;
        try {
            attempted = attempt(row);
        } catch (RuntimeException e) {
            log.warn(
                    "Delivery {} failed unexpectedly ({})",
                    row.id(),
                    e.getClass().getSimpleName());
            attempted = Attempted.retry(null, "an internal error", null);
        }
        var durationMs = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
        var attempts = row.attempts() + 1;
        var now = clock.instant();
        String status;
        var next = now;
        switch (attempted.verdict()) {
            case DELIVERED -> status = "delivered";
            case RETRY -> {
                var at = retries.next(now, attempts, attempted.retryAfter(), row.retryUntil());
                status = at == null ? "failed" : "pending";
                next = at == null ? now : at;
            }
            default -> status = "failed";
        }
        try {
            outbox.record(row.id(), owner, status, next, durationMs, attempted.statusCode(), attempted.error());
        } catch (RuntimeException e) {
            // The claim runs out and the row is sent again: at least once, possibly twice.
            log.warn("Could not record delivery {} ({})", row.id(), e.getClass().getSimpleName());
            return;
        }
        log.info(
                "Delivery {} ({} of event {} to site {}): attempt {} {}{}",
                row.id(),
                row.channel().wireName(),
                row.eventId(),
                row.siteId(),
                attempts,
                status,
                attempted.error() == null ? "" : " (" + attempted.error() + ")");
        if (!row.eventType().startsWith("lead.")) {
            return;
        }
        if (status.equals("delivered")) {
            analytics.track(
                    new AnalyticsEvent.LeadDelivered(row.siteId(), row.channel().analytics(), attempts));
        } else if (status.equals("failed")) {
            var code = attempted.statusCode() == null ? 0 : attempted.statusCode();
            analytics.track(new AnalyticsEvent.LeadDeliveryFailed(
                    row.siteId(), row.channel().analytics(), attempts, code));
        }
    }

    private Attempted attempt(Outbox.Claimed row) {
        var site = sites.cached(row.siteId());
        if (site.isEmpty()) {
            return Attempted.giveUp(null, "the site no longer exists");
        }
        var config = site.get().customConfig();
        if (row.channel() == Channel.EMAIL) {
            var to = config.leadNotificationEmail();
            if (to == null) {
                return Attempted.giveUp(null, "the site has no lead notification address any more");
            }
            return mail.send(to, site.get().domain(), row.payload());
        }
        var url = config.leadWebhookUrl();
        if (url == null) {
            return Attempted.giveUp(null, "the site has no webhook URL any more");
        }
        String secret;
        try {
            secret = sites.webhookSecret(row.siteId()).orElse(null);
        } catch (ApiException e) {
            // Sealed with a key this instance lacks: an operator's fix, worth waiting for.
            return Attempted.retry(null, "the webhook secret cannot be read on this instance", null);
        }
        if (secret == null) {
            // Only a URL stored before webhooks were sent has none: the owner makes one, then redelivers.
            return Attempted.giveUp(
                    null, "the site has no webhook secret: make one with POST /api/sites/{site_id}/webhook-secret");
        }
        return webhooks.send(
                url,
                secret,
                row.eventId().toString(),
                row.eventType(),
                row.payload().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void start() {
        if (!settings.delivery().enabled()) {
            return;
        }
        var executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("outbox-poll").factory());
        scheduler = executor;
        var interval = settings.delivery().pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::poll, 0, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        var executor = scheduler;
        scheduler = null;
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            // Each send is bounded by its timeouts: the batch in flight finishes and is recorded.
            var wait = settings.webhooks()
                    .timeout()
                    .plus(settings.webhooks().connectTimeout())
                    .plusSeconds(2);
            if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            var released = outbox.release(owner);
            if (released > 0) {
                log.info("Gave {} unsent deliveries back to the outbox", released);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Could not give unsent deliveries back ({}); they are due again when their lease ends",
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
