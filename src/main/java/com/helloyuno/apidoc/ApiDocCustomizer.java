package com.helloyuno.apidoc;

import com.helloyuno.id.Ids;
import com.helloyuno.problem.Problems;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * The rules of the description that hold for many operations at once, applied once springdoc has
 * read every controller:
 *
 * <ul>
 *   <li>path variables in the contract's snake_case ({@code /api/sites/{site_id}}), with the shapes
 *       of the ids they hold;
 *   <li>the credentials of each operation, mirroring the security filter chains: none for the
 *       widget's public endpoints, the widget token for {@code /ask} and {@code /widget/leads}
 *       (and, optionally, {@code /widget/verify} and {@code /widget/refresh}, which also take it
 *       in the body), the operator key or an owner key for {@code /api/**};
 *   <li>every refusal as a {@code Problem} document, with the codes the rules and the operation's
 *       own {@link ProblemResponse}s name, and their headers;
 *   <li>request bodies accept {@code null} for a field they may leave out, as Jackson reads it so;
 *   <li>{@link ConfiguredMax} limits from the instance's settings, and {@code @Pattern}s anchored:
 *       Bean Validation matches a whole value, JSON Schema any part of it.
 * </ul>
 */
final class ApiDocCustomizer implements OpenApiCustomizer {

    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";
    private static final String SCHEMAS = "#/components/schemas/";
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}]+)}");

    /** The paths of {@code SecurityConfiguration}'s widget chain: a widget token or nothing. */
    private static final Set<String> WIDGET_TOKEN_PATHS = Set.of("/ask", "/widget/leads");

    /** The token as {@code Authorization: Bearer}, or as {@code {"token": ...}} in the body. */
    private static final Set<String> TOKEN_IN_HEADER_OR_BODY = Set.of("/widget/verify", "/widget/refresh");

    /** The shapes of the ids in paths, by their wire name. */
    private static final Map<String, Consumer<Schema<?>>> PATH_IDS = Map.of(
            "site_id", s -> s.pattern(Ids.SITE_ID_REGEX).description("16 letters and digits"),
            "session_id", s -> s.pattern(Ids.SESSION_ID_REGEX).description("1 to 64 letters, digits, '_' or '-'"),
            "document_id", s -> s.format("uuid"),
            "job_id", s -> s.format("uuid"),
            "delivery_id", s -> s.format("uuid"));
    // The server answers a malformed site, document, job or delivery id with 404, as one that names
    // nothing, and a malformed session id with 400: a client that keeps to these shapes gets neither.

    private final WireNames names;
    private final Settings settings;

    ApiDocCustomizer(WireNames names, Settings settings) {
        this.names = names;
        this.settings = settings;
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        var components = openApi.getComponents();
        openApi.setPaths(wirePathNames(openApi.getPaths()));
        securitySchemes(components);
        var codes = new TreeSet<String>();
        forEachOperation(openApi, (path, operation) -> {
            security(path, operation);
            codes.addAll(problems(path, operation));
        });
        // And what any request may meet outside its operation: a path that names nothing, a method or
        // an Accept header that no operation takes.
        for (var status : List.of(400, 401, 403, 404, 405, 406, 409, 413, 415, 429, 500, 503)) {
            codes.add(Problems.defaultCode(HttpStatusCode.valueOf(status)));
        }
        eventSchemas(openApi);
        components.addSchemas(PROBLEM, problemSchema(codes));
        components.addSchemas(PROBLEM + "FieldError", fieldErrorSchema());
        nullableInRequests(openApi);
        forEachSchema(openApi, schema -> {
            nullAsAType(schema);
            anchorPattern(schema);
            noEmptyMinimum(schema);
            configuredMax(schema);
        });
    }

    // ---- paths ----------------------------------------------------------------------------

    /** {@code /api/sites/{siteId}} as the contract writes it, {@code /api/sites/{site_id}}. */
    private Paths wirePathNames(@Nullable Paths paths) {
        var renamed = new Paths();
        if (paths == null) {
            return renamed;
        }
        paths.forEach((path, item) -> {
            var wire = PATH_VARIABLE.matcher(path).replaceAll(m -> "{" + wireName(m.group(1)) + "}");
            for (var operation : item.readOperations()) {
                if (operation.getParameters() == null) {
                    continue;
                }
                for (var parameter : operation.getParameters()) {
                    if ("path".equals(parameter.getIn())) {
                        parameter.setName(wireName(parameter.getName()));
                        var shape = PATH_IDS.get(parameter.getName());
                        if (shape != null) {
                            // A schema of its own: springdoc shares one string schema among parameters.
                            var schema = string(null);
                            shape.accept(schema);
                            parameter.setSchema(schema);
                        }
                    }
                }
            }
            renamed.addPathItem(wire, item);
        });
        renamed.setExtensions(paths.getExtensions());
        return renamed;
    }

    private String wireName(String javaName) {
        return names.of(javaName);
    }

    // ---- security -------------------------------------------------------------------------

    private static void securitySchemes(Components components) {
        components.addSecuritySchemes(
                ApiDocs.OPERATOR_KEY,
                new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("The operator key (YUNO_ADMIN_API_KEY), as 'Authorization: Bearer <key>':"
                                + " reaches every site, and is the only key for creating, listing and deleting"
                                + " sites and for changing a site's plan."));
        components.addSecuritySchemes(
                ApiDocs.OWNER_KEY,
                new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("ysk_...")
                        .description("A site's owner key (ysk_...), as 'Authorization: Bearer <key>': returned once"
                                + " when the site is made or its key rotated; reaches that site alone. Another"
                                + " site's resources answer 404 site_not_found."));
        components.addSecuritySchemes(
                ApiDocs.WIDGET_TOKEN,
                new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT")
                        .description("The widget token from POST /widget/authenticate (or /widget/refresh), bound"
                                + " to a site and a domain; valid for expires_in seconds."));
    }

    /**
     * What {@code SecurityConfiguration}'s chains ask of each path. An operation that names its
     * own ({@code @SecurityRequirement}, e.g. operator-only ones) keeps it.
     */
    private static void security(String path, Operation operation) {
        if (operation.getSecurity() != null && !operation.getSecurity().isEmpty()) {
            return;
        }
        if (path.startsWith("/api/")) {
            operation.setSecurity(List.of(
                    new SecurityRequirement().addList(ApiDocs.OPERATOR_KEY),
                    new SecurityRequirement().addList(ApiDocs.OWNER_KEY)));
        } else if (WIDGET_TOKEN_PATHS.contains(path)) {
            operation.setSecurity(List.of(new SecurityRequirement().addList(ApiDocs.WIDGET_TOKEN)));
        } else if (TOKEN_IN_HEADER_OR_BODY.contains(path)) {
            // The empty requirement: the token may come in the body instead.
            operation.setSecurity(
                    List.of(new SecurityRequirement().addList(ApiDocs.WIDGET_TOKEN), new SecurityRequirement()));
        } else {
            operation.setSecurity(List.of());
        }
    }

    private static boolean takes(Operation operation, String scheme) {
        return operation.getSecurity() != null
                && operation.getSecurity().stream().anyMatch(r -> r.containsKey(scheme));
    }

    // ---- problems -------------------------------------------------------------------------

    /**
     * The operation's refusals: the rules below, then its own {@link ProblemResponse}s. Returns
     * every code it can answer with.
     */
    @SuppressWarnings("unchecked")
    private static Set<String> problems(String path, Operation operation) {
        var problems = new TreeMap<Integer, LinkedHashSet<String>>();
        // A malformed query, header or URL, or a control character in any text: every operation.
        add(problems, 400, "invalid_request");
        add(problems, 500, "internal_error");
        if (!path.equals("/yuno.js")) {
            // PostgreSQL unavailable (and a site not cached where one is needed).
            add(problems, 503, "service_unavailable");
        }
        if (operation.getRequestBody() != null) {
            add(problems, 413, "payload_too_large");
            add(problems, 415, "unsupported_media_type");
        }
        if (takes(operation, ApiDocs.OPERATOR_KEY) || takes(operation, ApiDocs.OWNER_KEY)) {
            add(problems, 401, "unauthorized");
        }
        if (takes(operation, ApiDocs.OPERATOR_KEY) && !takes(operation, ApiDocs.OWNER_KEY)) {
            add(problems, 403, "forbidden");
        }
        if (takes(operation, ApiDocs.WIDGET_TOKEN)) {
            add(problems, 401, "token_invalid", "token_expired");
        }
        if (path.startsWith("/api/sites/{site_id}")) {
            // An unknown site, a malformed id, or another owner's site: existence is not revealed.
            add(problems, 404, "site_not_found");
        }
        var extensions = operation.getExtensions();
        if (extensions != null && extensions.remove(OperationAnnotations.PROBLEMS) instanceof Map<?, ?> own) {
            ((Map<Integer, LinkedHashSet<String>>) own)
                    .forEach((status, codes) -> add(problems, status, codes.toArray(String[]::new)));
            if (extensions.isEmpty()) {
                operation.setExtensions(null);
            }
        }
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        var all = new LinkedHashSet<String>();
        problems.forEach((status, codes) -> {
            operation.getResponses().addApiResponse(String.valueOf(status), problemResponse(status, codes));
            all.addAll(codes);
        });
        return all;
    }

    private static void add(Map<Integer, LinkedHashSet<String>> problems, int status, String... codes) {
        problems.computeIfAbsent(status, s -> new LinkedHashSet<>()).addAll(List.of(codes));
    }

    private static ApiResponse problemResponse(int status, Collection<String> codes) {
        var reason = HttpStatus.valueOf(status).getReasonPhrase();
        // A Problem with this status and these codes; no member that Problem does not list.
        var schema = new JsonSchema()
                .allOf(List.of(
                        new JsonSchema().$ref(SCHEMAS + PROBLEM),
                        new JsonSchema()
                                .addProperty("status", new JsonSchema()._const(status))
                                .addProperty("code", new JsonSchema()._enum(new ArrayList<>(codes)))))
                .unevaluatedProperties(new JsonSchema().booleanSchemaValue(false));
        var response = new ApiResponse()
                .description(reason + ": " + String.join(", ", codes))
                .content(new Content()
                        .addMediaType(
                                PROBLEM_JSON,
                                new MediaType()
                                        .schema(schema)
                                        .example(
                                                example(status, codes.iterator().next()))));
        switch (status) {
            case 401 ->
                response.addHeaderObject(
                        "WWW-Authenticate",
                        header(
                                true,
                                "'Bearer' for a missing or wrong key; 'Bearer error=\"invalid_token\"' for a widget"
                                        + " token that will not do"));
            case 429 -> {
                response.addHeaderObject("Retry-After", integerHeader(true, "Seconds until a request may succeed"));
                response.addHeaderObject(
                        "RateLimit-Policy",
                        header(false, "The quota of the window closest to running out, e.g. \"minute\";q=30;w=60"));
                response.addHeaderObject("RateLimit", header(false, "What is left of it, e.g. \"minute\";r=0;t=34"));
            }
            case 503 ->
                response.addHeaderObject(
                        "Retry-After", integerHeader(false, "Seconds after which a new attempt may succeed"));
            default -> {}
        }
        return response;
    }

    private static Map<String, Object> example(int status, String code) {
        var example = new LinkedHashMap<String, Object>();
        example.put("type", "https://helloyuno.com/problems/" + code);
        example.put("title", HttpStatus.valueOf(status).getReasonPhrase());
        example.put("status", status);
        example.put("detail", "What went wrong, in words a person can act on.");
        example.put("code", code);
        return example;
    }

    private static Header header(boolean required, String description) {
        return new Header()
                .required(required)
                .description(description)
                .schema(new JsonSchema().types(new LinkedHashSet<>(List.of("string"))));
    }

    private static Header integerHeader(boolean required, String description) {
        return new Header()
                .required(required)
                .description(description)
                .schema(new JsonSchema()
                        .types(new LinkedHashSet<>(List.of("integer")))
                        .minimum(java.math.BigDecimal.ZERO));
    }

    /** RFC 9457 with our members; the README's example is its example. */
    private static Schema<?> problemSchema(Collection<String> codes) {
        var schema = new JsonSchema()
                .types(new LinkedHashSet<>(List.of("object")))
                .description("An RFC 9457 problem document (application/problem+json): every error has one,"
                        + " with a stable machine-readable code.")
                .addProperty(
                        "type",
                        string("https://helloyuno.com/problems/ followed by the code")
                                .format("uri"))
                .addProperty("title", string("The HTTP status's reason phrase"))
                .addProperty(
                        "status",
                        new JsonSchema()
                                .types(new LinkedHashSet<>(List.of("integer")))
                                .minimum(java.math.BigDecimal.valueOf(400))
                                .maximum(java.math.BigDecimal.valueOf(599))
                                .description("The HTTP status"))
                .addProperty("detail", string("What went wrong, for a person; never a secret or an internal"))
                .addProperty("instance", string("The request's path").format("uri-reference"))
                .addProperty("code", string("What went wrong, for a program")._enum(new ArrayList<>(codes)))
                .addProperty(
                        "errors",
                        new JsonSchema()
                                .types(new LinkedHashSet<>(List.of("array")))
                                .items(new JsonSchema().$ref(SCHEMAS + PROBLEM + "FieldError"))
                                .description("invalid_request: the fields refused, by their wire names"))
                .addProperty(
                        "window",
                        string("rate_limited: the window whose limit was reached")
                                ._enum(List.of("minute", "hour", "day", "month")))
                .addProperty(
                        "retry_after",
                        new JsonSchema()
                                .types(new LinkedHashSet<>(List.of("integer")))
                                .minimum(java.math.BigDecimal.ZERO)
                                .description("rate_limited: seconds until a request may succeed"));
        schema.setRequired(List.of("type", "title", "status", "detail", "code"));
        schema.setExamples(List.of(Map.of(
                "type", "https://helloyuno.com/problems/invalid_request",
                "title", "Bad Request",
                "status", 400,
                "detail", "The request body is not valid JSON.",
                "instance", "/ask",
                "code", "invalid_request")));
        return schema;
    }

    private static Schema<?> fieldErrorSchema() {
        var schema = new JsonSchema()
                .types(new LinkedHashSet<>(List.of("object")))
                .addProperty("field", string("The field, as sent: messages[0].content, custom_config.bot_name"))
                .addProperty("message", string("What is wrong with it"));
        schema.setRequired(List.of("field", "message"));
        return schema;
    }

    @SuppressWarnings("unchecked")
    private static JsonSchema string(@Nullable String description) {
        return (JsonSchema)
                new JsonSchema().types(new LinkedHashSet<>(List.of("string"))).description(description);
    }

    /**
     * The event stream's schemas, kept on its media type by {@link OperationAnnotations}: each
     * event's own schema inline in {@code x-sse-events} (a component that only an extension names
     * counts as unused to linters and tools), the schemas they refer to in the components.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void eventSchemas(OpenAPI openApi) {
        forEachOperation(openApi, (path, operation) -> {
            if (operation.getResponses() == null) {
                return;
            }
            for (var response : operation.getResponses().values()) {
                if (response.getContent() == null) {
                    continue;
                }
                for (var media : response.getContent().values()) {
                    if (media.getExtensions() == null
                            || !(media.getExtensions().remove(OperationAnnotations.EVENT_SCHEMAS)
                                    instanceof Map<?, ?> found)) {
                        continue;
                    }
                    var schemas = new LinkedHashMap<String, Schema>((Map<String, Schema>) found);
                    var events = (Map<String, Map<String, Object>>)
                            media.getExtensions().get(OperationAnnotations.SSE_EVENTS);
                    for (var event : events.values()) {
                        if (event.get("data") instanceof Schema data && data.get$ref() != null) {
                            var name = data.get$ref().substring(SCHEMAS.length());
                            if (schemas.containsKey(name)) {
                                event.put("data", schemas.remove(name));
                            }
                        }
                    }
                    schemas.forEach((name, schema) -> {
                        if (openApi.getComponents().getSchemas() == null
                                || !openApi.getComponents().getSchemas().containsKey(name)) {
                            openApi.getComponents().addSchemas(name, schema);
                        }
                    });
                }
            }
        });
    }

    // ---- request bodies -------------------------------------------------------------------

    /**
     * In the schemas that request bodies use, an optional property may also be sent as null: Jackson
     * reads it as absent. (Answers leave such properties out instead, so their schemas stay as they
     * are.)
     */
    private static void nullableInRequests(OpenAPI openApi) {
        var components = openApi.getComponents().getSchemas();
        if (components == null) {
            return;
        }
        var names = new LinkedHashSet<String>();
        forEachOperation(openApi, (path, operation) -> {
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation
                        .getRequestBody()
                        .getContent()
                        .values()
                        .forEach(m -> referenced(m.getSchema(), components, names));
            }
        });
        for (var name : names) {
            Schema<?> schema = components.get(name);
            if (schema.getProperties() == null) {
                continue;
            }
            var required = schema.getRequired() == null ? List.<String>of() : schema.getRequired();
            schema.getProperties().replaceAll((property, value) -> required.contains(property) ? value : orNull(value));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void referenced(@Nullable Schema schema, Map<String, Schema> components, Set<String> names) {
        if (schema == null) {
            return;
        }
        if (schema.get$ref() != null) {
            var name = schema.get$ref().substring(SCHEMAS.length());
            if (names.add(name)) {
                referenced(components.get(name), components, names);
            }
            return;
        }
        children(schema).forEach(child -> referenced(child, components, names));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Schema<?> orNull(Schema schema) {
        if (schema.get$ref() != null) {
            var wrapped = new JsonSchema()
                    .anyOf(List.of(
                            new JsonSchema().$ref(schema.get$ref()),
                            new JsonSchema().types(new LinkedHashSet<>(List.of("null")))));
            wrapped.setDescription(schema.getDescription());
            return wrapped;
        }
        if (schema.getTypes() != null && !schema.getTypes().isEmpty()) {
            schema.addType("null");
            if (schema.getEnum() != null && !schema.getEnum().contains(null)) {
                var values = new ArrayList<>(schema.getEnum());
                values.add(null);
                schema.setEnum(values);
            }
        }
        return schema;
    }

    // ---- every schema ---------------------------------------------------------------------

    /**
     * OpenAPI 3.1 has no {@code nullable}: a schema written the 3.0 way (the lead webhook's) says
     * null with its types instead, or the keyword would be dropped and a null refused.
     */
    private static void nullAsAType(Schema<?> schema) {
        if (Boolean.TRUE.equals(schema.getNullable())) {
            if (schema.getTypes() == null || schema.getTypes().isEmpty()) {
                schema.setTypes(new LinkedHashSet<>(schema.getType() == null ? List.of() : List.of(schema.getType())));
            }
            if (!schema.getTypes().isEmpty()) {
                schema.addType("null");
            }
            schema.setNullable(null);
        }
    }

    /** {@code @Size(max = n)} also writes a minimum of 0, which says nothing. */
    private static void noEmptyMinimum(Schema<?> schema) {
        if (Integer.valueOf(0).equals(schema.getMinLength())) {
            schema.setMinLength(null);
        }
        if (Integer.valueOf(0).equals(schema.getMinItems())) {
            schema.setMinItems(null);
        }
    }

    /** Bean Validation's {@code @Pattern} matches the whole value; JSON Schema's pattern any part. */
    private static void anchorPattern(Schema<?> schema) {
        var pattern = schema.getPattern();
        if (pattern != null && !pattern.startsWith("^")) {
            schema.setPattern(pattern.contains("|") ? "^(?:" + pattern + ")$" : "^" + pattern + "$");
        }
    }

    private void configuredMax(Schema<?> schema) {
        if (schema.getExtensions() == null) {
            return;
        }
        var key = schema.getExtensions().remove(WireModelResolver.CONFIGURED_MAX);
        if (schema.getExtensions().isEmpty()) {
            schema.setExtensions(null);
        }
        if (key == null) {
            return;
        }
        var max = settings.intValue(key.toString());
        var types = schema.getTypes() == null ? Set.<String>of() : schema.getTypes();
        if (types.contains("array")) {
            schema.setMaxItems(max);
        } else if (types.contains("string")) {
            schema.setMaxLength(max);
        } else {
            schema.setMaximum(java.math.BigDecimal.valueOf(max));
        }
        var said = "At most " + max + " (the setting " + key + ").";
        var description = schema.getDescription();
        schema.setDescription(
                description == null ? said : description + (description.endsWith(".") ? " " : ". ") + said);
    }

    // ---- walking --------------------------------------------------------------------------

    private interface OperationVisitor {
        void visit(String path, Operation operation);
    }

    private static void forEachOperation(OpenAPI openApi, OperationVisitor visitor) {
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().forEach((path, item) -> {
            for (var operation : item.readOperations()) {
                visitor.visit(path, operation);
            }
        });
    }

    /** Every schema object of the paths and components, once. */
    private static void forEachSchema(OpenAPI openApi, Consumer<Schema<?>> visitor) {
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<Schema<?>, Boolean>());
        var roots = new ArrayList<Schema<?>>();
        if (openApi.getComponents().getSchemas() != null) {
            openApi.getComponents().getSchemas().values().forEach(roots::add);
        }
        var operations = new ArrayList<Operation>();
        forEachOperation(openApi, (path, operation) -> operations.add(operation));
        if (openApi.getWebhooks() != null) {
            openApi.getWebhooks().values().forEach(item -> operations.addAll(item.readOperations()));
        }
        for (var operation : operations) {
            if (operation.getParameters() != null) {
                operation.getParameters().forEach(p -> roots.add(p.getSchema()));
            }
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation.getRequestBody().getContent().values().forEach(m -> roots.add(m.getSchema()));
            }
        }
        var queue = new java.util.ArrayDeque<Schema<?>>();
        roots.stream().filter(java.util.Objects::nonNull).forEach(queue::add);
        while (!queue.isEmpty()) {
            var schema = queue.poll();
            if (!seen.add(schema)) {
                continue;
            }
            visitor.accept(schema);
            queue.addAll(children(schema));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Schema<?>> children(Schema<?> schema) {
        var children = new ArrayList<Schema<?>>();
        if (schema.getProperties() != null) {
            for (Object property : schema.getProperties().values()) {
                children.add((Schema<?>) property);
            }
        }
        if (schema.getItems() != null) {
            children.add(schema.getItems());
        }
        for (var list : java.util.Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
            if (list != null) {
                for (Object item : list) {
                    children.add((Schema<?>) item);
                }
            }
        }
        if (schema.getAdditionalProperties() instanceof Schema<?> additional) {
            children.add(additional);
        }
        return children;
    }
}
