package com.helloyuno.site;

import com.helloyuno.id.Ids;
import com.helloyuno.plan.PlanType;
import com.helloyuno.problem.ApiException;
import com.helloyuno.ratelimit.RateLimiter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The front door of sites for other features: the cached lookup for hot paths, access checks for
 * the owner/operator API, and the life cycle of a site.
 */
@Service
public class SiteService {

    private static final Logger log = LoggerFactory.getLogger(SiteService.class);
    private static final int SITE_ID_ATTEMPTS = 5;

    private final Sites sites;
    private final SiteCache cache;
    private final OwnerKeys ownerKeys = new OwnerKeys();
    private final RateLimiter rateLimiter;
    private final Clock clock;
    private final SecretSealer sealer;

    SiteService(Sites sites, SiteCache cache, RateLimiter rateLimiter, Clock clock, SecretSealer sealer) {
        this.sites = sites;
        this.cache = cache;
        this.rateLimiter = rateLimiter;
        this.clock = clock;
        this.sealer = sealer;
    }

    /** Whether a string has the shape of a site id. */
    public static boolean isSiteId(@Nullable String value) {
        return Ids.isSiteId(value);
    }

    /**
     * The site, from this instance's cache: for the paths that read a site on every request. A
     * change made on this instance is seen at once, one made elsewhere within a few seconds.
     */
    public Optional<Site> cached(String siteId) {
        if (!isSiteId(siteId)) {
            return Optional.empty();
        }
        return cache.get(siteId, sites::find);
    }

    /** The site, if this caller may reach it; otherwise {@link SiteNotFound}, as if it did not exist. */
    public Site requireAccessible(ApiCaller caller, String siteId) {
        if (!isSiteId(siteId) || !caller.mayAccess(siteId)) {
            throw new SiteNotFound();
        }
        return sites.find(siteId).orElseThrow(SiteNotFound::new);
    }

    /**
     * Whether some site that is serving its widget allows this host, for CORS preflights, which
     * carry an Origin but no site id. Cached like sites.
     */
    public boolean anyServingSiteAllows(String host) {
        return cache.hostAllowed(host, h -> sites.anyServingSiteAllows(h, parentDomains(h)));
    }

    /** The host and each parent domain of it: a site may allow subdomains of any of them. */
    static List<String> parentDomains(String host) {
        var candidates = new java.util.ArrayList<String>();
        var current = host;
        while (true) {
            candidates.add(current);
            var dot = current.indexOf('.');
            if (dot < 0) {
                break;
            }
            current = current.substring(dot + 1);
        }
        return candidates;
    }

    /**
     * The demo site: the oldest site whose main domain is {@code localhost}, as {@link DemoSite}
     * makes it, for the demo page.
     */
    public Optional<Site> demoSite() {
        return sites.firstWithDomain("localhost");
    }

    /**
     * The secret a site's server signs its visitors with, if one has been made.
     *
     * @throws ApiException 503 when it is sealed with a key this instance does not have
     */
    public Optional<String> identitySecret(String siteId) {
        return sites.identitySecret(siteId).map(stored -> sealer.open(siteId, stored));
    }

    /** Makes a new identity secret for the site; returned once, the previous one stops working. */
    String rotateIdentitySecret(String siteId) {
        var secret = "yis_" + ownerKeys.randomString(40);
        if (!sites.replaceIdentitySecret(siteId, sealer.seal(siteId, secret))) {
            throw new SiteNotFound();
        }
        log.info("Identity secret of site {} rotated", siteId);
        return secret;
    }

    /**
     * The secret that signs the site's webhooks, if one has been made.
     *
     * @throws ApiException 503 when it is sealed with a key this instance does not have
     */
    public Optional<String> webhookSecret(String siteId) {
        return sites.webhookSecret(siteId).map(stored -> sealer.open(siteId, SecretSealer.Purpose.WEBHOOK, stored));
    }

    /** Makes a new webhook secret for the site; returned once, the previous one stops working. */
    String rotateWebhookSecret(String siteId) {
        var secret = newWebhookSecret();
        if (!sites.replaceWebhookSecret(siteId, sealer.seal(siteId, SecretSealer.Purpose.WEBHOOK, secret), false)) {
            throw new SiteNotFound();
        }
        log.info("Webhook secret of site {} rotated", siteId);
        return secret;
    }

    /**
     * Makes the site's first webhook secret when it has none (its webhook URL was just set);
     * returned once. Empty when it already had one: that one stays, unseen.
     */
    Optional<String> firstWebhookSecret(String siteId) {
        var secret = newWebhookSecret();
        if (sites.replaceWebhookSecret(siteId, sealer.seal(siteId, SecretSealer.Purpose.WEBHOOK, secret), true)) {
            log.info("Webhook secret of site {} made", siteId);
            return Optional.of(secret);
        }
        return Optional.empty();
    }

    private String newWebhookSecret() {
        return "whsec_" + ownerKeys.randomString(40);
    }

    /** The site of an owner key, if the key is current. */
    public Optional<String> siteOfOwnerKey(String key) {
        if (!OwnerKeys.looksLikeOwnerKey(key)) {
            return Optional.empty();
        }
        return sites.findSiteIdByOwnerKeyHash(OwnerKeys.hash(key));
    }

    /** Creates a site with a fresh site id and owner key; the key is returned once and never stored. */
    CreatedSite create(SiteDraft draft) {
        var now = clock.instant();
        for (int attempt = 0; attempt < SITE_ID_ATTEMPTS; attempt++) {
            var site = new Site(
                    ownerKeys.randomString(16),
                    draft.domain(),
                    draft.additionalDomains(),
                    draft.allowSubdomains(),
                    draft.userId(),
                    draft.planType(),
                    true,
                    true,
                    draft.theme(),
                    draft.customConfig(),
                    false,
                    draft.language(),
                    now,
                    now);
            var key = ownerKeys.generate();
            if (sites.insert(site, OwnerKeys.hash(key))) {
                cache.changed(site.siteId(), Optional.of(site));
                log.info("Site {} created", site.siteId());
                var webhookSecret = site.customConfig().leadWebhookUrl() != null
                        ? firstWebhookSecret(site.siteId()).orElse(null)
                        : null;
                return new CreatedSite(site, key, webhookSecret);
            }
            log.warn("Site id collision; drawing another");
        }
        throw new IllegalStateException("Could not draw a free site id in " + SITE_ID_ATTEMPTS + " attempts");
    }

    List<Site> page(int page, int size) {
        return sites.page(page, size);
    }

    long count() {
        return sites.count();
    }

    Site update(Site updated) {
        var stamped = withUpdatedAt(updated);
        sites.update(stamped);
        cache.changed(stamped.siteId(), Optional.of(stamped));
        return stamped;
    }

    String rotateOwnerKey(String siteId) {
        var key = ownerKeys.generate();
        if (!sites.replaceOwnerKeyHash(siteId, OwnerKeys.hash(key))) {
            throw new SiteNotFound();
        }
        log.info("Owner key of site {} rotated", siteId);
        return key;
    }

    void delete(String siteId) {
        if (!sites.delete(siteId)) {
            throw new SiteNotFound();
        }
        cache.changed(siteId, Optional.empty());
        // Its rows went with the foreign keys; its counters live in Redis.
        rateLimiter.forget(siteId);
        log.info("Site {} deleted with all its data", siteId);
    }

    private Site withUpdatedAt(Site s) {
        return new Site(
                s.siteId(),
                s.domain(),
                s.additionalDomains(),
                s.allowSubdomains(),
                s.userId(),
                s.planType(),
                s.planActive(),
                s.widgetEnabled(),
                s.theme(),
                s.customConfig(),
                s.identityRequired(),
                s.language(),
                s.createdAt(),
                clock.instant());
    }

    /** What a new site is made of, validated and normalised. */
    record SiteDraft(
            String domain,
            List<String> additionalDomains,
            boolean allowSubdomains,
            @Nullable String userId,
            PlanType planType,
            Theme theme,
            CustomConfig customConfig,
            @Nullable SiteLanguage language) {}

    record CreatedSite(Site site, String ownerKey, @Nullable String webhookSecret) {}
}
