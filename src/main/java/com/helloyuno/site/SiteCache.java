package com.helloyuno.site;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The per-instance copy of sites for the hot paths, unknown site ids included (so that random ids
 * do not each cost a query). A change evicts the entry here at once and, through a Redis channel,
 * on every other instance; entries also expire after {@code yuno.sites.cache-ttl}, which bounds
 * staleness when a notice is lost or Redis is down.
 *
 * <p>While PostgreSQL is unavailable, an expired entry is served rather than failing the request;
 * a site this instance has not cached (it started during the outage, or the site was evicted) is
 * served from the snapshot every load and change leaves in Redis ({@code yuno:site-snapshot:<id>},
 * {@code yuno.sites.snapshot-ttl}; a newer version is never overwritten by an older one),
 * so that a widget keeps chatting and its leads reach the spool.
 */
@Component
class SiteCache {

    static final String CHANNEL = "yuno:sites:changed";
    static final String SNAPSHOT = "yuno:site-snapshot:";
    /**
     * Writes a snapshot unless Redis holds a newer one (by the site's {@code updated_at}): the
     * writes go out on their own threads, and a load that read the site just before a change must
     * not land after the change's own snapshot.
     */
    private static final RedisScript<Long> NEWER_WINS = RedisScript.of("""
            local held = redis.call('HGET', KEYS[1], 'v')
            if held and tonumber(held) > tonumber(ARGV[2]) then return 0 end
            redis.call('HSET', KEYS[1], 'site', ARGV[1], 'v', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """, Long.class);
    /** After a failed Redis call, snapshots are not written for this long (each would wait its timeout). */
    private static final Duration REDIS_BACK_OFF = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(SiteCache.class);

    /** A cached site; {@code snapshotted}: when its Redis snapshot was last written from here. */
    private record Entry(Optional<Site> site, Instant expires, Instant snapshotted) {}

    private record HostEntry(boolean allowed, Instant expires) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, HostEntry> hosts = new ConcurrentHashMap<>();
    private final SiteSettings settings;
    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final Clock clock;
    private volatile Instant redisQuietUntil = Instant.MIN;

    SiteCache(SiteSettings settings, StringRedisTemplate redis, JsonMapper json) {
        this.settings = settings;
        this.redis = redis;
        this.json = json;
        this.clock = Clock.systemUTC();
    }

    Optional<Site> get(String siteId, Function<String, Optional<Site>> loader) {
        var now = clock.instant();
        var entry = entries.get(siteId);
        if (entry != null && entry.expires().isAfter(now)) {
            return entry.site();
        }
        Optional<Site> site;
        try {
            site = loader.apply(siteId);
        } catch (DataAccessException e) {
            if (entry != null) {
                // PostgreSQL is briefly away: a site known a moment ago keeps serving its widget.
                return entry.site();
            }
            var snapshot = snapshot(siteId);
            if (snapshot.isPresent()) {
                return snapshot;
            }
            throw e;
        }
        var snapshotted = entry == null ? Instant.MIN : entry.snapshotted();
        if (site.isPresent()
                && snapshotted.isBefore(now.minus(settings.snapshotTtl().dividedBy(4)))) {
            // Now and then, not on every load: Redis holds a copy for the next outage, renewed well
            // before it expires.
            keepSnapshot(siteId, site);
            snapshotted = now;
        }
        if (entries.size() >= settings.cacheMaxEntries()) {
            entries.values().removeIf(e -> !e.expires().isAfter(now));
            if (entries.size() >= settings.cacheMaxEntries()) {
                entries.clear(); // crude but bounded; refilled from the database within one TTL
            }
        }
        entries.put(siteId, new Entry(site, now.plus(settings.cacheTtl()), snapshotted));
        return site;
    }

    boolean hostAllowed(String host, java.util.function.Predicate<String> loader) {
        var now = clock.instant();
        var entry = hosts.get(host);
        if (entry != null && entry.expires().isAfter(now)) {
            return entry.allowed();
        }
        boolean allowed;
        try {
            allowed = loader.test(host);
        } catch (DataAccessException e) {
            if (entry != null) {
                // As for sites: what was known a moment ago holds while PostgreSQL is away.
                return entry.allowed();
            }
            throw e;
        }
        if (hosts.size() >= settings.cacheMaxEntries()) {
            hosts.clear();
        }
        hosts.put(host, new HostEntry(allowed, now.plus(settings.cacheTtl())));
        return allowed;
    }

    /**
     * Forgets the site here, replaces its snapshot with the site as it is now (empty: deleted), and
     * tells the other instances to forget it too.
     */
    void changed(String siteId, Optional<Site> now) {
        evict(siteId);
        keepSnapshot(siteId, now);
        try {
            redis.convertAndSend(CHANNEL, siteId);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not announce a site change to other instances (Redis: {}); they see it within {}",
                    e.getClass().getSimpleName(),
                    settings.cacheTtl());
        }
    }

    /** The site as Redis last saw it, for an outage of PostgreSQL; empty if Redis has none or fails. */
    private Optional<Site> snapshot(String siteId) {
        try {
            var stored = redis.opsForHash().get(SNAPSHOT + siteId, "site");
            return stored == null ? Optional.empty() : Optional.of(json.readValue((String) stored, Site.class));
        } catch (RuntimeException e) {
            log.warn(
                    "No snapshot of site {} from Redis ({})",
                    siteId,
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /**
     * Writes (or, for a deleted site, removes) the snapshot in the background: a request never waits
     * for Redis, and a Redis outage only pauses snapshots for a few seconds.
     */
    private void keepSnapshot(String siteId, Optional<Site> site) {
        // A deletion always goes out: a deleted site must not serve from its snapshot.
        if (site.isPresent() && clock.instant().isBefore(redisQuietUntil)) {
            return;
        }
        Thread.ofVirtual().name("site-snapshot").start(() -> {
            try {
                if (site.isPresent()) {
                    var updated = site.get().updatedAt();
                    var version = updated.getEpochSecond() * 1_000_000 + updated.getNano() / 1_000;
                    redis.execute(
                            NEWER_WINS,
                            List.of(SNAPSHOT + siteId),
                            json.writeValueAsString(site.get()),
                            Long.toString(version),
                            Long.toString(settings.snapshotTtl().toMillis()));
                } else {
                    redis.delete(SNAPSHOT + siteId);
                }
            } catch (RuntimeException e) {
                redisQuietUntil = clock.instant().plus(REDIS_BACK_OFF);
            }
        });
    }

    void evict(String siteId) {
        entries.remove(siteId);
        // Which hosts are allowed depends on every site's domains: a change to any site redoes them.
        hosts.clear();
    }

    /**
     * Listens for change notices from other instances. It starts in the background and retries
     * until Redis answers, since an instance must start and serve while Redis is down; once
     * subscribed, the container itself recovers from later outages.
     */
    @Configuration(proxyBeanMethods = false)
    static class Notices {
        @Bean
        RedisMessageListenerContainer siteChangeListener(RedisConnectionFactory connections, SiteCache cache) {
            var container = new RedisMessageListenerContainer();
            container.setConnectionFactory(connections);
            container.setAutoStartup(false);
            container.addMessageListener(
                    (message, pattern) -> cache.evict(new String(message.getBody(), StandardCharsets.UTF_8)),
                    new ChannelTopic(CHANNEL));
            return container;
        }

        @Bean
        SmartLifecycle siteChangeListenerStarter(RedisMessageListenerContainer container, SiteSettings settings) {
            return new BackgroundStarter(container, settings.cacheTtl());
        }
    }

    private static final class BackgroundStarter implements SmartLifecycle {
        private final RedisMessageListenerContainer container;
        private final Duration retry;
        private volatile boolean running;
        private volatile Thread thread;

        BackgroundStarter(RedisMessageListenerContainer container, Duration retry) {
            this.container = container;
            this.retry = retry;
        }

        @Override
        public void start() {
            running = true;
            thread = Thread.ofVirtual().name("site-change-listener-start").start(this::startContainer);
        }

        private void startContainer() {
            var warned = false;
            while (running && !container.isRunning()) {
                try {
                    container.start();
                } catch (RuntimeException e) {
                    if (!warned) {
                        log.warn(
                                "Not subscribed to site change notices yet (Redis: {}); retrying every {}",
                                e.getClass().getSimpleName(),
                                retry);
                        warned = true;
                    }
                    try {
                        Thread.sleep(retry);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
            if (warned && container.isRunning()) {
                log.info("Subscribed to site change notices");
            }
        }

        @Override
        public void stop() {
            running = false;
            var t = thread;
            if (t != null) {
                t.interrupt();
            }
            if (container.isRunning()) {
                container.stop();
            }
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }
}
