package com.helloyuno.problem;

import io.sentry.Sentry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one exception handler. Framework errors keep Spring's status and gain our {@code code};
 * validation errors name the fields; anything unexpected is a bare 500 that is logged and sent to
 * Sentry, with nothing of the exception in the body.
 */
@RestControllerAdvice
class ProblemExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final JsonMapper json;

    ProblemExceptionHandler(JsonMapper json) {
        this.json = json;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> handleApiException(ApiException e, NativeWebRequest request) {
        var headers = new HttpHeaders();
        e.headers().forEach(headers::set);
        return problemResponse(Problems.of(e), headers, request);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> handleConstraintViolation(ConstraintViolationException e, NativeWebRequest request) {
        var errors = e.getConstraintViolations().stream()
                .map(v -> fieldError(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return problemResponse(invalid(errors), new HttpHeaders(), request);
    }

    /**
     * Tomcat refuses a query string or form it cannot parse (an empty name as in {@code ?=1}, a
     * broken {@code %} escape) when the parameters are first read, which may be deep in a handler.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> handleInvalidParameters(InvalidParameterException e, NativeWebRequest request) {
        return problemResponse(malformedParameters(), new HttpHeaders(), request);
    }

    /**
     * A multipart body that cannot be parsed (no boundary, cut short, too many parts) is the
     * client's. One over the upload size is not handled here: the base class's 413 is closer.
     */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> handleMalformedMultipart(MultipartException e, NativeWebRequest request) {
        var problem = Problems.of(
                HttpStatus.BAD_REQUEST,
                "invalid_request",
                "The multipart body is malformed: it needs a boundary and complete parts.");
        return problemResponse(problem, new HttpHeaders(), request);
    }

    /** Spring Security's firewall checks parameter names when they are first read, in a handler. */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<Object> handleRejected(RequestRejectedException e, NativeWebRequest request) {
        return problemResponse(malformedParameters(), new HttpHeaders(), request);
    }

    static ProblemDetail malformedParameters() {
        return Problems.of(
                HttpStatus.BAD_REQUEST,
                "invalid_request",
                "The query string or form parameters are malformed: every parameter needs a name without"
                        + " control characters, and '%' must start a valid escape.");
    }

    @ExceptionHandler({DataAccessResourceFailureException.class, QueryTimeoutException.class})
    ResponseEntity<Object> handleDatabaseUnavailable(Exception e, NativeWebRequest request) {
        log.warn("Database unavailable: {}", e.getClass().getSimpleName());
        var problem = Problems.of(
                HttpStatus.SERVICE_UNAVAILABLE,
                "service_unavailable",
                "The service is briefly unavailable; try again shortly.");
        var headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "5");
        return problemResponse(problem, headers, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception e, NativeWebRequest request) {
        log.error("Unexpected error on {}", path(request), e);
        Sentry.captureException(e);
        var problem = Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "An unexpected error occurred.");
        return problemResponse(problem, new HttpHeaders(), request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var errors = new ArrayList<Map<String, String>>();
        for (var error : e.getBindingResult().getAllErrors()) {
            var field = error instanceof FieldError fe ? snakeCase(fe.getField()) : error.getObjectName();
            errors.add(fieldError(field, error.getDefaultMessage()));
        }
        return problemResponse(invalid(errors), headers, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var errors = new ArrayList<Map<String, String>>();
        e.getParameterValidationResults()
                .forEach(result -> result.getResolvableErrors()
                        .forEach(error -> errors.add(fieldError(
                                result.getMethodParameter().getParameterName(), error.getDefaultMessage()))));
        return problemResponse(invalid(errors), headers, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException api) {
                // A limit tripped while the body was being read, e.g. the body size.
                return handleApiException(api, (NativeWebRequest) request);
            }
        }
        return problemResponse(
                Problems.of(HttpStatus.BAD_REQUEST, "invalid_request", unreadableDetail(e)), headers, request);
    }

    /** Every framework error passes here: give it our type, title and code. */
    @Override
    protected @Nullable ResponseEntity<Object> handleExceptionInternal(
            Exception e, @Nullable Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = null;
        if (body instanceof ProblemDetail pd) {
            detail = pd.getDetail();
        } else if (e instanceof ErrorResponse response) {
            detail = response.getBody().getDetail();
        }
        if (detail == null || detail.isBlank()) {
            var reason = HttpStatus.resolve(status.value());
            detail = reason != null ? reason.getReasonPhrase() + "." : "The request failed.";
        }
        if (status.is5xxServerError()) {
            log.error("Server error on {}", path(request), e);
            Sentry.captureException(e);
            detail = "An unexpected error occurred.";
        }
        var problem = Problems.of(status, detail);
        return problemResponse(problem, headers, request);
    }

    private ResponseEntity<Object> problemResponse(ProblemDetail problem, HttpHeaders headers, WebRequest request) {
        var path = path(request);
        if (path != null) {
            problem.setInstance(URI.create(path));
        }
        return ResponseEntity.status(problem.getStatus())
                .headers(headers)
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.asMap(problem));
    }

    private static ProblemDetail invalid(List<Map<String, String>> errors) {
        var fields = errors.stream().map(e -> e.get("field")).distinct().toList();
        var detail = errors.isEmpty()
                ? "The request is invalid."
                : "Invalid value for " + String.join(", ", fields) + ": "
                        + errors.getFirst().get("message") + ".";
        var problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid_request", detail);
        problem.setProperty("errors", errors);
        return problem;
    }

    private static Map<String, String> fieldError(String field, @Nullable String message) {
        var error = new LinkedHashMap<String, String>();
        error.put("field", field);
        error.put("message", message == null ? "is invalid" : message);
        return error;
    }

    /** Names the offending field of a JSON body without echoing its value or parser internals. */
    private String unreadableDetail(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StreamReadException) {
                return "The request body is not valid JSON.";
            }
            if (cause instanceof JacksonException je && !je.getPath().isEmpty()) {
                var allowed = cause instanceof MismatchedInputException mismatch
                                && mismatch.getTargetType() != null
                                && mismatch.getTargetType().isEnum()
                        ? "must be one of " + String.join(", ", wireNames(mismatch.getTargetType()))
                        : "wrong type or format";
                return "Invalid value for " + jsonPath(je.getPath()) + ": " + allowed + ".";
            }
        }
        return "The request body is missing or is not valid JSON.";
    }

    /** The values a client may send for an enum, as the application's own JSON mapper writes them. */
    List<String> wireNames(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .map(constant -> json.convertValue(constant, String.class))
                .toList();
    }

    private static String jsonPath(List<JacksonException.Reference> path) {
        var out = new StringBuilder();
        for (var ref : path) {
            if (ref.getPropertyName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String lastNode(String propertyPath) {
        var dot = propertyPath.lastIndexOf('.');
        return snakeCase(dot >= 0 ? propertyPath.substring(dot + 1) : propertyPath);
    }

    /** Bean Validation reports Java names; the client sent snake_case JSON names. */
    static String snakeCase(String javaName) {
        return javaName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static @Nullable String path(WebRequest request) {
        var servlet = ((NativeWebRequest) request).getNativeRequest(HttpServletRequest.class);
        return servlet == null ? null : servlet.getRequestURI();
    }
}
