package com.helloyuno.problem;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Gives the actuator's bodiless errors a problem document. Its endpoints answer an unknown path
 * below them ({@code /actuator/health/anything}) with a bare 404 that they commit at once, beside
 * Spring MVC's error handling; the response is held here until the endpoint is done, and an error
 * status without a body is answered as every other error is (found by {@code
 * FuzzIntegrationTests}). Actuator responses are small, so holding them costs little.
 */
@Component
final class ActuatorProblemFilter extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/actuator/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var held = new ContentCachingResponseWrapper(response);
        chain.doFilter(request, held);
        var status = HttpStatus.resolve(held.getStatus());
        if (status != null && status.isError() && held.getContentSize() == 0 && !response.isCommitted()) {
            Problems.write(
                    response,
                    Problems.of(
                            status,
                            status == HttpStatus.NOT_FOUND
                                    ? "No such actuator endpoint or health component."
                                    : status.getReasonPhrase()));
            return;
        }
        held.copyBodyToResponse();
    }
}
