package com.helloyuno.testsupport;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.interaction.ApiOperationResolver;
import com.atlassian.oai.validator.model.ApiOperation;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import com.atlassian.oai.validator.util.OpenApiLoader;
import com.atlassian.oai.validator.whitelist.ValidationErrorsWhitelist;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Holds the integration tests to the OpenAPI description that the server under test serves at
 * {@code /v3/api-docs}: every exchange {@link Http} makes is checked against it with Atlassian's
 * validator (com.atlassian.oai:openapi-request-validator-core, the swagger-request-validator that
 * learned OpenAPI 3.1), so a controller that drifts from the document fails the build in whichever
 * test meets the drift first.
 *
 * <ul>
 *   <li>A request the description accepts: its response must match the operation's description
 *       for that status (status listed, headers, media type, body schema, and for a {@code
 *       text/event-stream} every event against {@code x-sse-events}).
 *   <li>A request the description refuses (many tests send bad input on purpose): the server must
 *       refuse it too (4xx); the response must then match what the description says for that
 *       status, or, where it lists none (405, 406), be a {@code Problem} document.
 *   <li>A path or method outside the description ({@code /actuator}, {@code /v3/api-docs}, a
 *       made-up path): an {@code application/problem+json} answer must be a {@code Problem}.
 * </ul>
 *
 * Failures are {@link AssertionError}s that name the operation and each mismatch.
 */
public final class ApiContract {

    private static final String PROBLEM = "Problem";
    private static final String SSE_EVENTS = "x-sse-events";
    private static final Map<String, ApiContract> BY_DOCUMENT = new ConcurrentHashMap<>();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final OpenAPI api;
    private final OpenApiInteractionValidator requests;
    private final OpenApiInteractionValidator responses;
    private final ApiOperationResolver operations;
    private final SchemaValidator schemas;

    private ApiContract(String document) {
        this.api = new OpenApiLoader()
                .loadApi(OpenApiInteractionValidator.SpecSource.inline(document), List.of(), parseOptions());
        // Requests: a body may carry keys the description does not name (the contract ignores unknown
        // keys), and a query parameters it does not name.
        this.requests = OpenApiInteractionValidator.createFor(api)
                .withLevelResolver(LevelResolver.create()
                        .withLevel(SchemaValidator.ADDITIONAL_PROPERTIES_KEY, ValidationReport.Level.IGNORE)
                        .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.IGNORE)
                        .build())
                // The validator asks for a Content-Type even where an optional body was left out
                // (/widget/verify with the token as a header).
                .withWhitelist(ValidationErrorsWhitelist.create()
                        .withRule(
                                "no body, no Content-Type",
                                (message, operation, request, response) ->
                                        message.getKey().equals("validation.request.contentType.notAllowed")
                                                && request != null
                                                && request.getRequestBody().isEmpty()
                                                && request.getHeaderValues("Content-Type")
                                                        .isEmpty()
                                                && operation != null
                                                && !Boolean.TRUE.equals(operation
                                                        .getOperation()
                                                        .getRequestBody()
                                                        .getRequired())))
                .build();
        // Answers: closed, every member they send must be described (the validator's default).
        this.responses = OpenApiInteractionValidator.createFor(api).build();
        this.operations = new ApiOperationResolver(api, null, false);
        this.schemas = new SchemaValidator(api, new MessageResolver());
    }

    private static ParseOptions parseOptions() {
        var options = new ParseOptions();
        options.setResolve(true);
        return options;
    }

    /** The description served at {@code base} ({@code http://127.0.0.1:<port>}), parsed once per document. */
    public static ApiContract servedAt(String base) {
        return forDocument(fetch(base + "/v3/api-docs"));
    }

    /** A contract for a document given as text, for the tests of this class itself. */
    public static ApiContract forDocument(String document) {
        return BY_DOCUMENT.computeIfAbsent(document, ApiContract::new);
    }

    private static String fetch(String url) {
        try {
            var response = CLIENT.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError(
                        "GET " + url + " answered " + response.statusCode() + ", not the OpenAPI description");
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One request and its response, as sent and received. */
    public record Exchange(
            String method,
            URI uri,
            Map<String, List<String>> requestHeaders,
            byte @Nullable [] requestBody,
            int status,
            Map<String, List<String>> responseHeaders,
            String responseBody) {}

    /** @throws AssertionError naming the operation and what does not match its description */
    public void check(Exchange exchange) {
        var problems = problems(exchange);
        if (!problems.isEmpty()) {
            throw new AssertionError(exchange.method() + " " + exchange.uri().getRawPath() + " ("
                    + operationName(exchange) + ") answered " + exchange.status()
                    + " and does not keep to /v3/api-docs:\n  - " + String.join("\n  - ", problems)
                    + "\nResponse body: " + abbreviated(exchange.responseBody()));
        }
    }

    /** What does not match, empty when the exchange keeps to the description. */
    public List<String> problems(Exchange exchange) {
        var method = method(exchange.method());
        var path = exchange.uri().getRawPath();
        var match = operation(method, path);
        if (match == null) {
            return outsideTheDescription(exchange);
        }
        var operation = match.getOperation();
        var response = response(exchange);
        var request = requests.validateRequest(request(exchange, method));
        var answered = responses.validateResponse(path, method, response);
        var found = new ArrayList<String>();
        if (!request.hasErrors()) {
            found.addAll(errors(answered));
            if (found.isEmpty()) {
                found.addAll(eventStream(operation, exchange));
            }
            return found;
        }
        // The test sent what the description refuses: the server must refuse it as well.
        if (exchange.status() < 400) {
            found.add("the server accepted a request that the description refuses: "
                    + String.join("; ", errors(request)));
            return found;
        }
        if (operation.getResponses() != null
                && operation.getResponses().containsKey(String.valueOf(exchange.status()))) {
            found.addAll(errors(answered));
        } else {
            found.addAll(problemDocument(exchange));
        }
        return found;
    }

    /**
     * For a request that no client built (raw bytes, mutated on purpose): its answer alone. A
     * status the operation lists must match what it says; an error it does not list (405, 406)
     * must be a {@code Problem}; a success it does not list is a drift.
     */
    public List<String> answerProblems(
            String method, String target, int status, Map<String, List<String>> headers, String body) {
        var uri = parse(target);
        var exchange = new Exchange(method, uri == null ? URI.create("/") : uri, Map.of(), null, status, headers, body);
        var known = method(method);
        var path = exchange.uri().getRawPath();
        var match = uri == null ? null : operation(known, path);
        if (match == null) {
            return outsideTheDescription(exchange);
        }
        var operation = match.getOperation();
        if (operation.getResponses() != null && operation.getResponses().containsKey(String.valueOf(status))) {
            var found = errors(responses.validateResponse(path, known, response(exchange)));
            if (found.isEmpty()) {
                found.addAll(eventStream(operation, exchange));
            }
            return found;
        }
        if (status >= 400) {
            return problemDocument(exchange);
        }
        return List.of("status " + status + " is not listed for operation " + operation.getOperationId());
    }

    private static @Nullable URI parse(String target) {
        try {
            return URI.create(target);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private List<String> outsideTheDescription(Exchange exchange) {
        var type = header(exchange.responseHeaders(), "Content-Type");
        if (exchange.status() >= 400 && type != null && type.startsWith("application/problem+json")) {
            return problemDocument(exchange);
        }
        return List.of();
    }

    /** The body against {@code #/components/schemas/Problem}, whatever the operation says. */
    private List<String> problemDocument(Exchange exchange) {
        var schema = new Schema<>().$ref("#/components/schemas/" + PROBLEM);
        var found = errors(schemas.validate(exchange.responseBody(), schema, "response.body"));
        var type = header(exchange.responseHeaders(), "Content-Type");
        if (type == null || !type.startsWith("application/problem+json")) {
            found.add("an error answered as " + type + ", not application/problem+json");
        }
        return found;
    }

    /** Each event of a {@code text/event-stream} answer against the operation's {@code x-sse-events}. */
    @SuppressWarnings("unchecked")
    private List<String> eventStream(Operation operation, Exchange exchange) {
        var type = header(exchange.responseHeaders(), "Content-Type");
        if (type == null || !type.startsWith("text/event-stream")) {
            return List.of();
        }
        var media = operation
                .getResponses()
                .get(String.valueOf(exchange.status()))
                .getContent()
                .get("text/event-stream");
        var described =
                media.getExtensions() == null ? null : media.getExtensions().get(SSE_EVENTS);
        if (!(described instanceof Map<?, ?> events)) {
            return List.of(
                    "a text/event-stream answer whose events the description does not list (" + SSE_EVENTS + ")");
        }
        var found = new ArrayList<String>();
        var names = new ArrayList<String>();
        for (var event : events(exchange.responseBody())) {
            names.add(event.name());
            if (!(events.get(event.name()) instanceof Map<?, ?> definition)) {
                found.add("event '" + event.name() + "' is not one of " + events.keySet());
                continue;
            }
            var schema = Json31.mapper().convertValue(((Map<String, Object>) definition).get("data"), Schema.class);
            for (var error : errors(schemas.validate(event.data(), schema, "response.body"))) {
                found.add("event '" + event.name() + "': " + error);
            }
        }
        if (names.isEmpty()) {
            found.add("an empty event stream");
        } else if (!names.getFirst().equals("meta")
                || !(names.getLast().equals("done") || names.getLast().equals("error"))) {
            found.add("events in the wrong order: " + names);
        }
        return found;
    }

    private record Event(String name, String data) {}

    /** Events as {@code SseWriter} sends them: {@code event:} and one {@code data:} line each. */
    private static List<Event> events(String body) {
        var events = new ArrayList<Event>();
        for (var block : body.split("\n\n")) {
            String name = null;
            var data = new StringBuilder();
            for (var line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()).strip());
                }
            }
            if (name != null) {
                events.add(new Event(name, data.toString()));
            }
        }
        return events;
    }

    /** Each error with its key and, for a body, where in it: {@code [key] at /widget_enabled: ...}. */
    private static List<String> errors(ValidationReport report) {
        return report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> "[" + m.getKey() + "]"
                        + m.getContext()
                                .flatMap(ValidationReport.MessageContext::getPointers)
                                .map(p -> " at " + (p.getInstance().isEmpty() ? "/" : p.getInstance()))
                                .orElse("")
                        + ": " + m.getMessage())
                .collect(Collectors.toList());
    }

    /**
     * The operation this method and path name, or null. The validator matches paths ignoring case;
     * Spring does not ({@code /API/SITES} is no route), so the literal parts must match exactly.
     */
    private @Nullable ApiOperation operation(Request.@Nullable Method method, String path) {
        if (method == null) {
            return null;
        }
        var match = operations.findApiOperation(path, method);
        if (!match.isPathFound() || !match.isOperationAllowed()) {
            return null;
        }
        var template = match.getApiOperation().getApiPath().original();
        var literal = java.util.Arrays.stream(template.split("((?=\\{)|(?<=}))"))
                .map(part -> part.startsWith("{") ? "[^/]+" : java.util.regex.Pattern.quote(part))
                .collect(Collectors.joining());
        return java.util.regex.Pattern.matches(literal, path) ? match.getApiOperation() : null;
    }

    private String operationName(Exchange exchange) {
        var operation = operation(method(exchange.method()), exchange.uri().getRawPath());
        if (operation == null) {
            return "no operation of the description";
        }
        return "operation " + operation.getOperation().getOperationId() + ", " + operation.getMethod() + " "
                + operation.getApiPath().original();
    }

    private static Request.@Nullable Method method(String method) {
        try {
            return Request.Method.valueOf(method.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Request request(Exchange exchange, Request.Method method) {
        var builder = new SimpleRequest.Builder(method, exchange.uri().getRawPath());
        exchange.requestHeaders().forEach(builder::withHeader);
        var query = exchange.uri().getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (var pair : query.split("&")) {
                var equals = pair.indexOf('=');
                var name = decode(equals < 0 ? pair : pair.substring(0, equals));
                builder.withQueryParam(name, equals < 0 ? "" : decode(pair.substring(equals + 1)));
            }
        }
        if (exchange.requestBody() != null && exchange.requestBody().length > 0) {
            builder.withBody(exchange.requestBody());
        }
        return builder.build();
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    private static SimpleResponse response(Exchange exchange) {
        var builder = new SimpleResponse.Builder(exchange.status());
        exchange.responseHeaders().forEach((name, values) -> {
            if (name != null && !name.startsWith(":")) {
                builder.withHeader(name, values);
            }
        });
        if (!exchange.responseBody().isEmpty()) {
            builder.withBody(exchange.responseBody());
        }
        return builder.build();
    }

    private static @Nullable String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst())
                .findFirst()
                .orElse(null);
    }

    private static String abbreviated(String body) {
        return body.length() > 2000 ? body.substring(0, 2000) + "..." : body;
    }

    /** The description as the validator read it. */
    public OpenAPI api() {
        return api;
    }
}
