package com.helloyuno.problem;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error page for what it refuses before any servlet runs: a malformed request line or
 * header, headers over {@code server.max-http-request-header-size}, a rejected URL ({@code %2F},
 * {@code %00}, {@code \}), an unknown HTTP version. Tomcat's own valve answers those in HTML;
 * this one answers with the same problem document as every other error. Whatever reaches it was
 * refused by the container, so nothing is logged or sent to Sentry from here.
 */
final class ProblemReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        var status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        var ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED.value()) {
            // A made-up protocol version is a malformed request, not a fault of the server.
            status = HttpStatus.BAD_REQUEST.value();
            response.setStatus(status);
        }
        var resolved = HttpStatus.resolve(status);
        var code = Problems.defaultCode(HttpStatusCode.valueOf(status));
        var detail = status == 400
                ? "The request is malformed: its request line, a header or its URL could not be accepted,"
                        + " or its headers are too large."
                : status >= 500
                        ? "An unexpected error occurred."
                        : resolved != null ? resolved.getReasonPhrase() + "." : "The request failed.";
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            var writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(
                        Problems.asMap(Problems.of(HttpStatusCode.valueOf(status), code, detail))));
                response.finishResponse();
            }
        } catch (Exception | LinkageError e) {
            // The connection is going away; there is no one left to answer.
        }
    }
}
