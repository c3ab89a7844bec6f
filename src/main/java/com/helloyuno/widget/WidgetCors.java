package com.helloyuno.widget;

import com.helloyuno.site.Domains;
import com.helloyuno.site.SiteService;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * CORS for the widget endpoints: an origin is allowed when its host is an allowed domain of a site
 * that serves its widget, answered from the cached site lookup. Preflights carry no site id or
 * token, so they are answered for any such site; the token filter then holds {@code /ask} and
 * {@code /widget/leads} to the token's own site. Every other origin gets no CORS headers.
 */
@Component
public class WidgetCors implements CorsConfigurationSource {

    private static final Set<String> PATHS =
            Set.of("/widget/authenticate", "/widget/verify", "/widget/refresh", "/widget/leads", "/ask");

    private final SiteService sites;

    WidgetCors(SiteService sites) {
        this.sites = sites;
    }

    @Override
    public @Nullable CorsConfiguration getCorsConfiguration(HttpServletRequest request) {
        var origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null || !PATHS.contains(request.getRequestURI())) {
            return null;
        }
        var host = Domains.normalize(origin).orElse(null);
        if (host == null || !(origin.startsWith("https://") || origin.startsWith("http://"))) {
            return null;
        }
        if (!sites.anyServingSiteAllows(host)) {
            return null;
        }
        var config = new CorsConfiguration();
        config.setAllowedOrigins(List.of(origin));
        config.setAllowedMethods(List.of("POST"));
        config.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", "Last-Event-ID"));
        config.setExposedHeaders(
                List.of("RateLimit", "RateLimit-Policy", "Retry-After", "WWW-Authenticate", "Content-Type"));
        config.setAllowCredentials(false);
        config.setMaxAge(Duration.ofMinutes(10));
        return config;
    }
}
