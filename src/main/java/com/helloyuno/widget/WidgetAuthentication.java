package com.helloyuno.widget;

import com.helloyuno.analytics.Analytics;
import com.helloyuno.analytics.AnalyticsEvent;
import com.helloyuno.problem.ApiException;
import com.helloyuno.site.Domains;
import com.helloyuno.site.Site;
import com.helloyuno.site.SiteNotFound;
import com.helloyuno.site.SiteService;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Service;

/**
 * The rules of widget authentication, shared by the widget endpoints and by the token filter of
 * {@code /ask} and {@code /widget/leads}. Every refusal is counted and logged as a security event.
 */
@Service
public class WidgetAuthentication {

    private static final String BEARER = "Bearer ";
    /** Longer than any token we issue; longer ones are not even parsed. */
    static final int MAX_TOKEN_LENGTH = 8192;
    /** Not a host name (it has no dot), so no site allows it. */
    private static final String NO_HOST = "invalid-origin";

    private final SiteService sites;
    private final WidgetTokens tokens;
    private final VerifiedTokens verifiedTokens;
    private final NonceStore nonces;
    private final AuthThrottle throttle;
    private final IdentityVerifier identities;
    private final SecurityEvents events;
    private final WidgetSettings settings;
    private final ChatLimits limits;
    private final Analytics analytics;
    private final Clock clock;

    WidgetAuthentication(
            SiteService sites,
            WidgetTokens tokens,
            VerifiedTokens verifiedTokens,
            NonceStore nonces,
            AuthThrottle throttle,
            IdentityVerifier identities,
            SecurityEvents events,
            WidgetSettings settings,
            ChatLimits limits,
            Analytics analytics,
            Clock clock) {
        this.sites = sites;
        this.tokens = tokens;
        this.verifiedTokens = verifiedTokens;
        this.nonces = nonces;
        this.throttle = throttle;
        this.identities = identities;
        this.events = events;
        this.settings = settings;
        this.limits = limits;
        this.analytics = analytics;
        this.clock = clock;
    }

    WidgetRequests.TokenResponse authenticate(WidgetRequests.Authenticate body, HttpServletRequest request) {
        var ipHash = events.ipHash(request.getRemoteAddr());
        try {
            throttle.acquire(ipHash);
        } catch (ApiException e) {
            events.refused("authenticate_throttled", body.siteId(), ipHash, null);
            throw e;
        }
        var domain = Domains.normalize(body.domain()).orElse(null);
        if (domain == null) {
            throw new com.helloyuno.problem.InvalidRequest("domain", "must be a host name such as example.com");
        }
        var site = sites.cached(body.siteId()).orElse(null);
        if (site == null) {
            events.refused("unknown_site", body.siteId(), ipHash, domain);
            throw new SiteNotFound();
        }
        requireServing(site, ipHash, domain);
        if (!site.allowsHost(domain)) {
            events.refused("domain_not_allowed", site.siteId(), ipHash, domain);
            throw new WidgetErrors.DomainNotAllowed();
        }
        var origin = originHost(request);
        if (origin != null && (!origin.equals(domain) || !site.allowsHost(origin))) {
            events.refused("origin_mismatch", site.siteId(), ipHash, origin);
            throw new WidgetErrors.DomainNotAllowed();
        }
        String visitorId = null;
        if (site.identityRequired()) {
            var secret = sites.identitySecret(site.siteId()).orElse(null);
            visitorId = secret == null
                    ? null
                    : identities
                            .verify(secret, body.visitorId(), body.visitorHash(), body.visitorToken())
                            .orElse(null);
            if (visitorId == null) {
                events.refused("identity_not_verified", site.siteId(), ipHash, domain);
                throw new WidgetErrors.IdentityNotVerified();
            }
        }
        // Last, so that a refused attempt does not burn the nonce of a page that then fixes itself.
        if (!nonces.claim(site.siteId(), body.nonce())) {
            events.refused("nonce_reused", site.siteId(), ipHash, domain);
            throw new WidgetErrors.NonceReused();
        }
        analytics.track(new AnalyticsEvent.Authenticated(site.siteId(), false));
        return issue(site, domain, visitorId);
    }

    WidgetRequests.VerifyResponse verify(String token, HttpServletRequest request) {
        var claims = verified(token, Duration.ZERO, request);
        var remaining = Math.max(
                0, Duration.between(clock.instant(), claims.expiresAt()).toSeconds());
        return new WidgetRequests.VerifyResponse(true, claims.siteId(), claims.domain(), claims.expiresAt(), remaining);
    }

    WidgetRequests.TokenResponse refresh(String token, HttpServletRequest request) {
        var ipHash = events.ipHash(request.getRemoteAddr());
        var claims = verified(token, settings.refreshGrace(), request);
        var site = currentSite(claims, ipHash);
        var origin = originHost(request);
        if (origin != null && !site.allowsHost(origin)) {
            events.refused("origin_mismatch", site.siteId(), ipHash, origin);
            throw new WidgetErrors.DomainNotAllowed();
        }
        analytics.track(new AnalyticsEvent.Authenticated(site.siteId(), true));
        return issue(site, claims.domain(), claims.visitorId());
    }

    /**
     * Authenticates a request to {@code /ask} or {@code /widget/leads}: a valid token, a site that
     * still serves the token's domain, and a browser Origin, if any, that is one of the site's.
     */
    public WidgetCaller authenticateRequest(HttpServletRequest request) {
        var ipHash = events.ipHash(request.getRemoteAddr());
        var claims = verified(bearer(request), Duration.ZERO, request);
        var site = currentSite(claims, ipHash);
        var origin = originHost(request);
        if (origin != null && !site.allowsHost(origin)) {
            events.refused("origin_not_allowed", site.siteId(), ipHash, origin);
            throw new WidgetErrors.OriginNotAllowed();
        }
        return new WidgetCaller(site, claims.domain(), claims.visitorId(), claims.tokenId(), ipHash);
    }

    /** The token of {@code Authorization: Bearer}, or {@code null}. */
    static @Nullable String bearer(HttpServletRequest request) {
        var header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        var token = header.substring(BEARER.length()).strip();
        return token.isEmpty() ? null : token;
    }

    private WidgetTokens.TokenClaims verified(@Nullable String token, Duration grace, HttpServletRequest request) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            events.refused("token_missing", null, events.ipHash(request.getRemoteAddr()), null);
            throw new WidgetErrors.TokenInvalid();
        }
        try {
            // A refresh (with its grace past expiry) is rare and always checked in full.
            return grace.isZero() ? verifiedTokens.verify(token) : tokens.verify(token, grace);
        } catch (WidgetErrors.TokenExpired e) {
            events.refused("token_expired", null, events.ipHash(request.getRemoteAddr()), null);
            throw e;
        } catch (WidgetErrors.TokenInvalid e) {
            events.refused("token_invalid", null, events.ipHash(request.getRemoteAddr()), null);
            throw e;
        }
    }

    /** The token's site as it is now: it must still exist, serve, and allow the token's domain. */
    private Site currentSite(WidgetTokens.TokenClaims claims, String ipHash) {
        var site = sites.cached(claims.siteId()).orElse(null);
        if (site == null) {
            events.refused("token_of_deleted_site", claims.siteId(), ipHash, claims.domain());
            throw new WidgetErrors.TokenInvalid();
        }
        requireServing(site, ipHash, claims.domain());
        if (!site.allowsHost(claims.domain())) {
            events.refused("domain_not_allowed", site.siteId(), ipHash, claims.domain());
            throw new WidgetErrors.DomainNotAllowed();
        }
        return site;
    }

    private void requireServing(Site site, String ipHash, String domain) {
        if (!site.planActive()) {
            events.refused("plan_inactive", site.siteId(), ipHash, domain);
            throw new WidgetErrors.PlanInactive();
        }
        if (!site.widgetEnabled()) {
            events.refused("widget_disabled", site.siteId(), ipHash, domain);
            throw new WidgetErrors.WidgetDisabled();
        }
    }

    private WidgetRequests.TokenResponse issue(Site site, String domain, @Nullable String visitorId) {
        var issued = tokens.issue(site.siteId(), domain, visitorId);
        return new WidgetRequests.TokenResponse(
                issued.token(),
                "Bearer",
                settings.tokenTtl().toSeconds(),
                issued.expiresAt(),
                site.siteId(),
                WidgetRequests.WidgetConfig.of(site, limits));
    }

    /**
     * The host of the request's Origin, {@code null} when it has none (a server, or a same-origin
     * request of an old browser), or a name that no site allows when the Origin is not an http(s)
     * page's ({@code null}, {@code file://}, an extension, a malformed value), so that such a
     * request meets the same refusal as a page of another site.
     */
    private static @Nullable String originHost(HttpServletRequest request) {
        var origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            return null;
        }
        return Domains.originHost(origin).orElse(NO_HOST);
    }
}
