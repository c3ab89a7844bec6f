package com.helloyuno.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * When a request reached the service: the first filter of every request notes the time, so that a
 * measurement of it (the first token of an answer) includes everything done for it before the
 * handler, the token check, the rate limit and the body's parsing, as the visitor waits for them.
 */
public final class RequestArrival extends OncePerRequestFilter {

    private static final String ATTRIBUTE = RequestArrival.class.getName();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        request.setAttribute(ATTRIBUTE, System.nanoTime());
        chain.doFilter(request, response);
    }

    /** The {@link System#nanoTime} of the request's arrival; now, for a request that passed no filter. */
    public static long nanos(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Long arrived ? arrived : System.nanoTime();
    }
}
