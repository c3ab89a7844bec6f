package com.helloyuno.apidoc;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springdoc.core.utils.SpringDocAnnotationsUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;

/**
 * Reads this package's annotations off each handler method, while springdoc still knows which
 * method an operation came from: {@link ProblemResponse} (kept on the operation for {@link
 * ApiDocCustomizer}, which merges them with the rules and builds the responses), {@link
 * EventStream} and {@link ConfiguredMax} on parameters. Two methods that share a path and method
 * ({@code /ask} as JSON and as a stream) come here one after the other with the same operation.
 */
final class OperationAnnotations implements GlobalOperationCustomizer {

    /** status -> codes, from {@link ProblemResponse}, until {@link ApiDocCustomizer} takes them. */
    static final String PROBLEMS = "x-yuno-problems";

    static final String SSE_EVENTS = "x-sse-events";

    /** The component schemas of the events, until {@link ApiDocCustomizer} adds them. */
    static final String EVENT_SCHEMAS = "x-yuno-event-schemas";

    static final String EVENT_STREAM = "text/event-stream";

    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        problems(operation, handler);
        eventStream(operation, handler);
        configuredMaxima(operation, handler);
        return operation;
    }

    @SuppressWarnings("unchecked")
    private static void problems(Operation operation, HandlerMethod handler) {
        var annotations =
                AnnotatedElementUtils.findMergedRepeatableAnnotations(handler.getMethod(), ProblemResponse.class);
        if (annotations.isEmpty()) {
            return;
        }
        var extensions = operation.getExtensions() == null ? Map.<String, Object>of() : operation.getExtensions();
        var problems = (Map<Integer, LinkedHashSet<String>>)
                extensions.getOrDefault(PROBLEMS, new LinkedHashMap<Integer, LinkedHashSet<String>>());
        for (var problem : annotations) {
            problems.computeIfAbsent(problem.status(), s -> new LinkedHashSet<>())
                    .addAll(List.of(problem.codes()));
        }
        operation.addExtension(PROBLEMS, problems);
    }

    /** {@code 200 text/event-stream}: a string with an example, and each event's data schema. */
    private static void eventStream(Operation operation, HandlerMethod handler) {
        var stream = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), EventStream.class);
        if (stream == null) {
            return;
        }
        var events = new LinkedHashMap<String, Object>();
        var list = new ArrayList<String>();
        // springdoc drops component schemas that nothing references before the document's customizers
        // run, and it does not look into extensions: the events' schemas wait on the media type until
        // ApiDocCustomizer puts them into the components.
        var schemas = new Components();
        for (var event : stream.value()) {
            var data = SpringDocAnnotationsUtils.extractSchema(
                    schemas, event.data(), null, new java.lang.annotation.Annotation[0], SpecVersion.V31);
            var described = new LinkedHashMap<String, Object>();
            described.put("description", event.description());
            described.put("data", data);
            events.put(event.name(), described);
            list.add("`" + event.name() + "`: " + event.description());
        }
        var media = new MediaType()
                .schema(new JsonSchema()
                        .types(new java.util.LinkedHashSet<>(List.of("string")))
                        .description(stream.description() + "\n\n- " + String.join("\n- ", list)))
                .example(stream.example());
        media.addExtension(SSE_EVENTS, events);
        media.addExtension(EVENT_SCHEMAS, schemas.getSchemas());
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        var ok = operation.getResponses().get("200");
        if (ok == null) {
            ok = new ApiResponse().description("OK");
            operation.getResponses().addApiResponse("200", ok);
        }
        if (ok.getContent() == null) {
            ok.setContent(new Content());
        }
        ok.getContent().addMediaType(EVENT_STREAM, media);
    }

    /** Marks the schema of each {@link ConfiguredMax} parameter, for {@link ApiDocCustomizer}. */
    private static void configuredMaxima(Operation operation, HandlerMethod handler) {
        if (operation.getParameters() == null) {
            return;
        }
        for (var parameter : handler.getMethodParameters()) {
            var max = parameter.getParameterAnnotation(ConfiguredMax.class);
            if (max == null) {
                continue;
            }
            var request = parameter.getParameterAnnotation(RequestParam.class);
            var name = request != null && !request.name().isEmpty() ? request.name() : parameter.getParameterName();
            for (var documented : operation.getParameters()) {
                if (documented.getName().equals(name) && documented.getSchema() != null) {
                    documented.getSchema().addExtension(WireModelResolver.CONFIGURED_MAX, max.value());
                }
            }
        }
    }
}
