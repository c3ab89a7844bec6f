package com.helloyuno.apidoc;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * Swagger's model resolver, seeing the records as the application's JSON mapper writes and reads
 * them.
 *
 * <p>Names: springdoc introspects types with its own Jackson 2 mapper, which knows nothing of
 * {@code spring.jackson.property-naming-strategy}, so every property came out camelCase while the
 * wire is snake_case. Here the introspecting mapper is given the application mapper's own naming
 * strategy object (Jackson 3's), so the two cannot disagree.
 *
 * <p>Required: the packages are {@code @NullMarked}, so a record component without {@code
 * @Nullable} is never null; with {@code default-property-inclusion: non_null} a null one is left
 * out of an answer rather than sent as null. So every non-{@code @Nullable} component is required,
 * and a {@code @Nullable} one is optional (request bodies may also send it as null, which {@link
 * ApiDocCustomizer} adds to the request schemas). jspecify's {@code @Nullable} is a type-use
 * annotation that Swagger's own nullable detection does not see, hence the record components here.
 *
 * <p>A {@link ConfiguredMax} is marked on the property for {@link ApiDocCustomizer}, which knows
 * the instance's settings: Swagger keeps its converters in a JVM-wide singleton, which must not
 * hold one application context's values.
 */
final class WireModelResolver extends ModelResolver {

    /** Marks a schema whose maximum is the named setting, until {@link ApiDocCustomizer} resolves it. */
    static final String CONFIGURED_MAX = "x-yuno-configured-max";

    WireModelResolver(WireNames names) {
        super(Json31.mapper().copy().setPropertyNamingStrategy(names.jackson2()));
        openapi31(true);
    }

    @Override
    public @Nullable Schema resolve(
            AnnotatedType annotatedType, ModelConverterContext context, Iterator<ModelConverter> next) {
        var schema = super.resolve(annotatedType, context, next);
        var type = _mapper.constructType(annotatedType.getType()).getRawClass();
        if (schema != null && type.isRecord()) {
            var model = schema.get$ref() == null
                    ? schema
                    : context.getDefinedModels().get(schema.get$ref().substring("#/components/schemas/".length()));
            if (model != null) {
                applyRecord(type, model);
            }
        }
        return schema;
    }

    /** Required and configured maxima from the record's components, by their wire names. */
    private void applyRecord(Class<?> record, Schema<?> model) {
        if (model.getProperties() == null) {
            return;
        }
        var description = _mapper.getSerializationConfig().introspect(_mapper.constructType(record));
        for (var property : description.findProperties()) {
            var component = component(record, property.getInternalName());
            var schema = model.getProperties().get(property.getName());
            if (component == null) {
                continue;
            }
            if (component.isAnnotationPresent(JsonUnwrapped.class)) {
                // Its own components are this model's properties: the same rules, one level down.
                if (component.getType().isRecord()) {
                    applyRecord(component.getType(), model);
                }
                continue;
            }
            if (schema == null) {
                continue;
            }
            if (!component.getAnnotatedType().isAnnotationPresent(Nullable.class)
                    && (model.getRequired() == null || !model.getRequired().contains(property.getName()))) {
                model.addRequiredItem(property.getName());
            }
            var max = component.getAnnotation(ConfiguredMax.class);
            if (max != null) {
                schema.addExtension(CONFIGURED_MAX, max.value());
            }
        }
    }

    private static @Nullable RecordComponent component(Class<?> record, String name) {
        for (var component : record.getRecordComponents()) {
            if (component.getName().equals(name)) {
                return component;
            }
        }
        return null;
    }
}
