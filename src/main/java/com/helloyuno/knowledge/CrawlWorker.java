package com.helloyuno.knowledge;

import com.helloyuno.platform.Workers;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs crawl jobs in the background, each on a virtual thread, at most {@code concurrent-jobs} at
 * once per instance. Every instance polls the queue, so a job queued on one may run on another. A
 * running job's heartbeat is refreshed by its progress and by a ticker; a job whose heartbeat went
 * stale (its instance died) is queued again by whichever instance looks first, at start-up and
 * then every poll, and failed once it has been started {@code max-attempts} times, so no job stays
 * {@code running} for ever. On a graceful stop, this instance's running
 * jobs go back to the queue and start again elsewhere or after the restart.
 */
@Component
class CrawlWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CrawlWorker.class);

    private final CrawlJobs jobs;
    private final Crawler crawler;
    private final KnowledgeSettings.Crawler settings;
    private final String owner;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private volatile @Nullable ScheduledExecutorService scheduler;

    CrawlWorker(CrawlJobs jobs, Crawler crawler, KnowledgeSettings settings) {
        this.jobs = jobs;
        this.crawler = crawler;
        this.settings = settings.crawler();
        this.owner = Workers.newOwner();
    }

    /** Looks for queued jobs now rather than at the next poll. */
    void wake() {
        var executor = scheduler;
        if (executor != null) {
            executor.execute(this::poll);
        }
    }

    /** Takes back dead instances' jobs, then starts queued ones while there is room. */
    synchronized void poll() {
        try {
            var recovered = jobs.recoverStale(settings.staleAfter(), settings.maxAttempts());
            if (!recovered.requeued().isEmpty()) {
                log.warn(
                        "Queued again {} crawl jobs whose instance stopped: {}",
                        recovered.requeued().size(),
                        recovered.requeued());
            }
            if (!recovered.failed().isEmpty()) {
                log.warn(
                        "Failed {} crawl jobs whose instance stopped {} times: {}",
                        recovered.failed().size(),
                        settings.maxAttempts(),
                        recovered.failed());
            }
            while (scheduler != null && running.size() < settings.concurrentJobs()) {
                var job = jobs.claim(owner);
                if (job.isEmpty()) {
                    break;
                }
                var thread = Thread.ofVirtual().name("crawl-" + job.get().id()).unstarted(() -> run(job.get()));
                running.add(thread);
                thread.start();
            }
        } catch (RuntimeException e) {
            log.warn("Crawl queue poll failed: {}", e.getMessage());
        }
    }

    private void run(CrawlJobs.Claimed job) {
        try {
            log.info("Crawl {} of site {} started: {}", job.id(), job.siteId(), job.url());
            var result = crawler.run(
                    job, (total, done, chunks, errors) -> jobs.progress(job, owner, total, done, chunks, errors));
            jobs.finish(job, owner, result.status(), result.errors());
            log.info("Crawl {} {}", job.id(), result.status());
        } catch (InterruptedException e) {
            // Stopping: the job goes back to the queue (see stop()).
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Crawl {} failed", job.id(), e);
            try {
                jobs.finish(job, owner, "failed", List.of(Map.of("error", "The crawl failed unexpectedly.")));
            } catch (RuntimeException ignored) {
                // The heartbeat stops; the job is failed as stale later.
            }
        } finally {
            running.remove(Thread.currentThread());
            if (!Thread.currentThread().isInterrupted()) {
                wake();
            }
        }
    }

    private void heartbeat() {
        if (running.isEmpty()) {
            return;
        }
        try {
            jobs.heartbeat(owner);
        } catch (RuntimeException e) {
            log.warn("Crawl heartbeat failed: {}", e.getMessage());
        }
    }

    @Override
    public void start() {
        var executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("crawl-queue").factory());
        scheduler = executor;
        executor.scheduleWithFixedDelay(this::poll, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(
                this::heartbeat,
                settings.heartbeatInterval().toMillis(),
                settings.heartbeatInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        var executor = scheduler;
        scheduler = null;
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        for (var thread : running) {
            thread.interrupt();
        }
        for (var thread : running) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            var requeued = jobs.requeue(owner);
            if (requeued > 0) {
                log.info("Gave {} unfinished crawl jobs back to the queue", requeued);
            }
        } catch (RuntimeException e) {
            log.warn("Could not give unfinished crawl jobs back to the queue: {}", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
