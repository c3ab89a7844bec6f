package com.helloyuno.widget;

import com.helloyuno.problem.ApiException;
import com.helloyuno.site.Domains;
import com.helloyuno.site.Site;
import com.helloyuno.site.SiteService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.CorsUtils;

/**
 * CORS for the widget endpoints. Only {@code http} and {@code https} origins are ever allowed.
 *
 * <ul>
 *   <li>Preflights carry no site id or token, so they are answered for an origin whose host is an
 *       allowed domain of any site that serves its widget ({@link #getCorsConfiguration}).
 *   <li>The actual responses of {@code /widget/authenticate}, {@code /widget/verify} and {@code
 *       /widget/refresh} follow the same rule; each endpoint then holds the Origin to the site it
 *       names.
 *   <li>The actual responses of {@code /ask} and {@code /widget/leads} are readable only by an origin
 *       of the token's own site ({@link #allowCaller}, {@link #allowRefusal}), so a page of another
 *       site cannot read a conversation or a refusal with a token that is not its own.
 * </ul>
 *
 * Everything else gets no CORS headers.
 */
@Component
public class WidgetCors implements CorsConfigurationSource {

    private static final Logger log = LoggerFactory.getLogger(WidgetCors.class);
    private static final Set<String> PATHS =
            Set.of("/widget/authenticate", "/widget/verify", "/widget/refresh", "/widget/leads", "/ask");
    private static final Set<String> TOKEN_PATHS = Set.of("/widget/leads", "/ask");
    private static final List<String> METHODS = List.of("POST");
    private static final List<String> REQUEST_HEADERS =
            List.of("Authorization", "Content-Type", "Accept", "Last-Event-ID");
    private static final List<String> EXPOSED_HEADERS =
            List.of("RateLimit", "RateLimit-Policy", "Retry-After", "WWW-Authenticate", "Content-Type");
    private static final Duration MAX_AGE = Duration.ofMinutes(10);
    /** Lookup failures closer together than this are one outage, and get one warning. */
    private static final Duration OUTAGE_GAP = Duration.ofMinutes(1);

    private final SiteService sites;
    private final WidgetTokens tokens;
    private final Clock clock;
    private final AtomicReference<@Nullable Instant> lastFailure = new AtomicReference<>();

    WidgetCors(SiteService sites, WidgetTokens tokens, Clock clock) {
        this.sites = sites;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Whether CORS on this path is this class's business: the widget endpoints. */
    public static boolean isWidgetPath(HttpServletRequest request) {
        return PATHS.contains(request.getRequestURI());
    }

    /**
     * The configuration of a preflight to any widget endpoint, or of an actual request to the token-less
     * ones; {@code null} when the origin is not allowed, and for actual requests to {@code /ask} and
     * {@code /widget/leads}, whose headers depend on the token's site.
     */
    @Override
    public @Nullable CorsConfiguration getCorsConfiguration(HttpServletRequest request) {
        var origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null || !isWidgetPath(request)) {
            return null;
        }
        if (TOKEN_PATHS.contains(request.getRequestURI()) && !CorsUtils.isPreFlightRequest(request)) {
            return null;
        }
        var host = Domains.originHost(origin).orElse(null);
        if (host == null || !anyServingSiteAllows(host)) {
            return null;
        }
        var config = new CorsConfiguration();
        config.setAllowedOrigins(List.of(origin));
        config.setAllowedMethods(METHODS);
        config.setAllowedHeaders(REQUEST_HEADERS);
        config.setExposedHeaders(EXPOSED_HEADERS);
        config.setAllowCredentials(false);
        config.setMaxAge(MAX_AGE);
        return config;
    }

    /** What a preflight from an origin that is not allowed gets: a problem, without CORS headers. */
    public ApiException preflightRefused() {
        return new WidgetErrors.OriginNotAllowed();
    }

    /**
     * Makes an actual response readable by the request's origin, which the caller has found allowed.
     */
    public void allow(HttpServletRequest request, HttpServletResponse response) {
        var origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            return;
        }
        response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        response.setHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(", ", EXPOSED_HEADERS));
    }

    /**
     * The CORS headers of an authenticated {@code /ask} or {@code /widget/leads} request: only for an
     * origin of the caller's own site, which was read from the site cache when the token was
     * checked, so that no other lookup is needed (none that could fail while PostgreSQL is away).
     */
    public void allowCaller(WidgetCaller caller, HttpServletRequest request, HttpServletResponse response) {
        if (allowedBy(caller.site(), request)) {
            allow(request, response);
        }
    }

    /**
     * The CORS headers of a refused {@code /ask} or {@code /widget/leads} request (401, 403, 429).
     * The widget must read these, above all a 401 for an expired token, or it cannot know to
     * authenticate again and would show a network error. So a refusal is readable by an origin of
     * the site the token names, when the signature is ours (an expired token's claims are still
     * authentic); a page of another site learns nothing from a token that is not its own. When the
     * token names no site we can trust (missing, forged, signed with a forgotten secret, of a
     * deleted site), the
     * preflight's rule applies: a refusal document holds no site's data, and the widget of any
     * serving site needs to see that it must authenticate again.
     */
    public void allowRefusal(HttpServletRequest request, HttpServletResponse response) {
        var host = Domains.originHost(request.getHeader(HttpHeaders.ORIGIN)).orElse(null);
        if (host == null) {
            return;
        }
        var token = WidgetAuthentication.bearer(request);
        var siteId = token == null || token.length() > WidgetAuthentication.MAX_TOKEN_LENGTH
                ? Optional.<String>empty()
                : tokens.signedSiteId(token);
        boolean readable;
        if (siteId.isPresent()) {
            try {
                // A deleted site's token names no site any more: the preflight's rule, as below.
                readable = sites.cached(siteId.get())
                        .map(site -> site.allowsHost(host))
                        .orElseGet(() -> anyServingSiteAllows(host));
            } catch (DataAccessException e) {
                // The site is not cached and PostgreSQL is away: the request fails with a 503,
                // which the widget must read to show "try again later" rather than "offline".
                readable = permissive(e);
            }
        } else {
            readable = anyServingSiteAllows(host);
        }
        if (readable) {
            allow(request, response);
        }
    }

    private static boolean allowedBy(Site site, HttpServletRequest request) {
        return Domains.originHost(request.getHeader(HttpHeaders.ORIGIN))
                .map(site::allowsHost)
                .orElse(false);
    }

    private boolean anyServingSiteAllows(String host) {
        try {
            return sites.anyServingSiteAllows(host);
        } catch (DataAccessException e) {
            return permissive(e);
        }
    }

    /**
     * While PostgreSQL is unreachable, a host that is not cached cannot be looked up; rather than
     * failing (the browser would report the widget offline), a well-formed http(s) origin is
     * allowed. This grants nothing: a preflight carries no data, {@code /ask} and {@code
     * /widget/leads} are still held to the token's own site, and the token-less endpoints still
     * check the Origin against the site they name. One warning per outage, not one per request.
     */
    private boolean permissive(DataAccessException e) {
        var now = clock.instant();
        var previous = lastFailure.getAndSet(now);
        if (previous == null || Duration.between(previous, now).compareTo(OUTAGE_GAP) > 0) {
            log.warn(
                    "CORS lookups cannot reach PostgreSQL ({}): allowing every well-formed http(s) origin in"
                            + " the widget endpoints' CORS until it answers",
                    e.getClass().getSimpleName());
        }
        return true;
    }
}
