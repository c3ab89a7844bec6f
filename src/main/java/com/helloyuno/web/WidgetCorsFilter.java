package com.helloyuno.web;

import com.helloyuno.problem.Problems;
import com.helloyuno.widget.WidgetCors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * CORS of the widget and public chains, in place of Spring's {@code CorsFilter}, whose refusals are
 * a plain-text "Invalid CORS request" and which lets a preflight it has no configuration for go on
 * to Spring MVC, which refuses it in plain text too. Here every preflight ends in this filter:
 * answered when {@link WidgetCors} allows its origin, otherwise refused with a problem document.
 * An actual request is never refused here: it gets CORS headers when its origin is allowed, and the
 * endpoint itself decides whether the Origin may call it ({@code /ask} and {@code /widget/leads}
 * get theirs from the token filter, once the token's site is known).
 */
final class WidgetCorsFilter extends OncePerRequestFilter {

    private final WidgetCors cors;
    private final DefaultCorsProcessor preflights = new ProblemCorsProcessor();

    WidgetCorsFilter(WidgetCors cors) {
        this.cors = cors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader(HttpHeaders.ORIGIN) != null && WidgetCors.isWidgetPath(request)) {
            // What these answer depends on the Origin, whether CORS headers come or not.
            response.addHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        }
        var config = cors.getCorsConfiguration(request);
        if (CorsUtils.isPreFlightRequest(request)) {
            if (config == null) {
                Problems.write(response, cors.preflightRefused());
            } else {
                preflights.processRequest(config, request, response);
            }
            return;
        }
        if (config != null) {
            cors.allow(request, response);
        }
        chain.doFilter(request, response);
    }

    /** Spring's checks of a preflight's method and headers, refusing with a problem document. */
    private final class ProblemCorsProcessor extends DefaultCorsProcessor {
        @Override
        protected void rejectRequest(ServerHttpResponse response) throws IOException {
            Problems.write(((ServletServerHttpResponse) response).getServletResponse(), cors.preflightRefused());
        }
    }
}
