package com.helloyuno.web;

import com.helloyuno.problem.ApiException;
import com.helloyuno.problem.Problems;
import com.helloyuno.widget.WidgetAuthentication;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Binds the widget caller (site, domain, visitor) to {@code /ask} and {@code /widget/leads}
 * requests, or refuses them with the problem that widget authentication names (401 with {@code
 * WWW-Authenticate}, or 403).
 */
final class WidgetTokenFilter extends OncePerRequestFilter {

    static final String WIDGET = "ROLE_WIDGET";

    private final WidgetAuthentication authentication;

    WidgetTokenFilter(WidgetAuthentication authentication) {
        this.authentication = authentication;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            var caller = authentication.authenticateRequest(request);
            var auth = UsernamePasswordAuthenticationToken.authenticated(
                    caller, null, List.of(new SimpleGrantedAuthority(WIDGET)));
            var context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(auth);
            SecurityContextHolder.setContext(context);
        } catch (ApiException e) {
            var problem = Problems.of(e);
            problem.setInstance(java.net.URI.create(request.getRequestURI()));
            e.headers().forEach(response::setHeader);
            Problems.write(response, problem);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
