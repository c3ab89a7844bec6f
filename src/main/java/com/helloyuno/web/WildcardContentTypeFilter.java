package com.helloyuno.web;

import com.helloyuno.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a body declared as {@code Content-Type: *}{@code /*} with 415. Spring reads such a header
 * with an assertion that fails as an IllegalArgumentException deep in the handler, which would be
 * a 500; other malformed types it already refuses with 415 itself, so they pass.
 */
final class WildcardContentTypeFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isWildcard(request.getContentType())) {
            Problems.write(
                    response,
                    Problems.of(
                            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                            "unsupported_media_type",
                            "The Content-Type must name the body's media type, such as application/json."));
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean isWildcard(@Nullable String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return false;
        }
        try {
            return MediaType.parseMediaType(contentType).isWildcardType();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
