package com.helloyuno.problem;

import io.sentry.Sentry;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page: errors raised outside Spring MVC (in filters, or by the servlet
 * container itself) end here and get the same problem shape as everything else, whatever the
 * client's {@code Accept} says.
 */
@RestController
class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping("${server.error.path:/error}")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var error = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException api) {
                Problems.write(response, withInstance(api, request));
                return;
            }
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.apache.tomcat.util.http.InvalidParameterException) {
                // Parameters read first by a filter: the client's malformed query, not our bug.
                var problem = ProblemExceptionHandler.malformedParameters();
                setInstance(problem, request);
                Problems.write(response, problem);
                return;
            }
            if (cause instanceof org.springframework.dao.DataAccessResourceFailureException) {
                // PostgreSQL is away; a filter that needed it asked. Not the client's fault, not a bug.
                response.setHeader("Retry-After", "5");
                var problem = Problems.of(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "service_unavailable",
                        "The service is briefly unavailable; try again shortly.");
                setInstance(problem, request);
                Problems.write(response, problem);
                return;
            }
        }
        var code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code == null && error == null) {
            // Someone asked for the error page itself: there is no error, and nothing here for them.
            var problem = Problems.of(HttpStatus.NOT_FOUND, "not_found", "Not Found.");
            problem.setInstance(URI.create(request.getRequestURI()));
            Problems.write(response, problem);
            return;
        }
        var status = HttpStatus.resolve(code instanceof Integer i ? i : 500);
        if (status == null || status.is2xxSuccessful()) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        if (status.is5xxServerError()) {
            log.error("Server error on {}", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), error);
            if (error != null) {
                Sentry.captureException(error);
            }
        }
        var detail = status.is5xxServerError() ? "An unexpected error occurred." : status.getReasonPhrase() + ".";
        var problem = Problems.of(status, detail);
        setInstance(problem, request);
        Problems.write(response, problem);
    }

    private static org.springframework.http.ProblemDetail withInstance(ApiException e, HttpServletRequest request) {
        var problem = Problems.of(e);
        setInstance(problem, request);
        return problem;
    }

    private static void setInstance(org.springframework.http.ProblemDetail problem, HttpServletRequest request) {
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) {
            problem.setInstance(URI.create(uri));
        }
    }
}
