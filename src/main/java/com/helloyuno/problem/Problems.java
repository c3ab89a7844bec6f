package com.helloyuno.problem;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds problem documents and writes them where no controller advice reaches: security filters,
 * request limits and the container's error page.
 */
public final class Problems {

    private static final String TYPE_BASE = "https://helloyuno.com/problems/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {}

    /** The contract's default code for a status, used when no more specific code applies. */
    public static String defaultCode(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "invalid_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "rate_limited";
            case 503 -> "service_unavailable";
            default -> status.is5xxServerError() ? "internal_error" : "invalid_request";
        };
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + code));
        var reason = HttpStatus.resolve(status.value());
        problem.setTitle(reason != null ? reason.getReasonPhrase() : "Error");
        problem.setProperty("code", code);
        return problem;
    }

    /** A problem with the contract's default code for its status ({@link #defaultCode}). */
    public static ProblemDetail of(HttpStatusCode status, String detail) {
        return of(status, defaultCode(status), detail);
    }

    public static ProblemDetail of(ApiException e) {
        var problem = of(e.status(), e.code(), e.getMessage());
        e.properties().forEach(problem::setProperty);
        return problem;
    }

    /** The JSON members of a problem, flat, in the order of RFC 9457 and then our own. */
    public static Map<String, Object> asMap(ProblemDetail problem) {
        var body = new LinkedHashMap<String, Object>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        if (problem.getDetail() != null) {
            body.put("detail", problem.getDetail());
        }
        if (problem.getInstance() != null) {
            body.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        return body;
    }

    /** Writes a problem on a raw servlet response, for code that runs before Spring MVC. */
    public static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        JSON.writeValue(response.getOutputStream(), asMap(problem));
    }

    public static void write(HttpServletResponse response, ApiException e) throws IOException {
        e.headers().forEach(response::setHeader);
        write(response, of(e));
    }
}
