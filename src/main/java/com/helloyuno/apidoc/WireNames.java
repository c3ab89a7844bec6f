package com.helloyuno.apidoc;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application mapper's naming of properties ({@code spring.jackson.property-naming-strategy}),
 * for the description's names: the same strategy object, never a second copy of the rule.
 */
final class WireNames {

    private final JsonMapper json;
    private final PropertyNamingStrategies.@Nullable NamingBase naming;

    WireNames(JsonMapper json) {
        this.json = json;
        var strategy = json.serializationConfig().getPropertyNamingStrategy();
        if (strategy != null && !(strategy instanceof PropertyNamingStrategies.NamingBase)) {
            throw new IllegalStateException("The OpenAPI description cannot follow the JSON naming strategy "
                    + strategy.getClass().getName() + ": only Jackson's name-translating strategies are mirrored");
        }
        this.naming = (PropertyNamingStrategies.NamingBase) strategy;
    }

    /** {@code siteId} as the wire writes it ({@code site_id} with snake_case). */
    String of(String javaName) {
        // A translating strategy looks at the name alone, not at the member.
        return naming == null ? javaName : naming.nameForField(json.serializationConfig(), null, javaName);
    }

    /** The same naming for Swagger's Jackson 2 introspection, or null when names are kept. */
    com.fasterxml.jackson.databind.@Nullable PropertyNamingStrategy jackson2() {
        if (naming == null) {
            return null;
        }
        return new com.fasterxml.jackson.databind.PropertyNamingStrategies.NamingBase() {
            @Override
            public String translate(String name) {
                return of(name);
            }
        };
    }
}
