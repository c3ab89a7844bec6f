package com.helloyuno.web;

import com.helloyuno.problem.ApiException;
import com.helloyuno.problem.Problems;
import com.helloyuno.widget.WidgetAuthentication;
import com.helloyuno.widget.WidgetCaller;
import com.helloyuno.widget.WidgetCors;
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
 * WWW-Authenticate}, or 403). It also sets their CORS headers, which depend on the token's site.
 */
final class WidgetTokenFilter extends OncePerRequestFilter {

    static final String WIDGET = "ROLE_WIDGET";

    private final WidgetAuthentication authentication;
    private final WidgetCors cors;

    WidgetTokenFilter(WidgetAuthentication authentication, WidgetCors cors) {
        this.authentication = authentication;
        this.cors = cors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        WidgetCaller caller;
        try {
            caller = authentication.authenticateRequest(request);
        } catch (ApiException e) {
            cors.allowRefusal(request, response);
            var problem = Problems.of(e);
            problem.setInstance(java.net.URI.create(request.getRequestURI()));
            e.headers().forEach(response::setHeader);
            Problems.write(response, problem);
            return;
        } catch (RuntimeException e) {
            // PostgreSQL away and the site not cached: the error page answers 503, which the
            // widget must be able to read too.
            cors.allowRefusal(request, response);
            throw e;
        }
        // Before the controller writes anything, from the site the token was just checked against.
        cors.allowCaller(caller, request, response);
        try {
            var auth = UsernamePasswordAuthenticationToken.authenticated(
                    caller, null, List.of(new SimpleGrantedAuthority(WIDGET)));
            var context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(auth);
            SecurityContextHolder.setContext(context);
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
