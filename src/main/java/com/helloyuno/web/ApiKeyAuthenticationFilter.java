package com.helloyuno.web;

import com.helloyuno.problem.Problems;
import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <key>} on the owner/operator API: the operator key,
 * or a site's current owner key. A request with a key that matches nothing is refused here with
 * 401, so a typo never falls through to an anonymous request.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String OPERATOR = "ROLE_OPERATOR";
    static final String OWNER = "ROLE_OWNER";
    private static final String BEARER = "Bearer ";

    private final byte[] adminKeyDigest;
    private final SiteService sites;

    ApiKeyAuthenticationFilter(WebSettings settings, SiteService sites) {
        this.adminKeyDigest = settings.hasAdminApiKey() ? sha256(settings.adminApiKey()) : null;
        this.sites = sites;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            chain.doFilter(request, response);
            return;
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            refuse(response, "Use 'Authorization: Bearer <key>'.");
            return;
        }
        var key = header.substring(BEARER.length()).trim();
        // Digests of equal length, compared in constant time: the key's length and content leak nothing.
        if (adminKeyDigest != null && MessageDigest.isEqual(adminKeyDigest, sha256(key))) {
            proceedAs(ApiCaller.operator(), OPERATOR, request, response, chain);
            return;
        }
        var ownedSite = sites.siteOfOwnerKey(key);
        if (ownedSite.isPresent()) {
            proceedAs(ApiCaller.owner(ownedSite.get()), OWNER, request, response, chain);
            return;
        }
        refuse(response, "The API key is not valid.");
    }

    private static void proceedAs(
            ApiCaller caller, String role, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        var auth = UsernamePasswordAuthenticationToken.authenticated(
                caller, null, List.of(new SimpleGrantedAuthority(role)));
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(auth);
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /** 401 with {@code WWW-Authenticate: Bearer}: the filter's refusals and the entry point's alike. */
    static void refuse(HttpServletResponse response, String detail) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        Problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", detail));
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
