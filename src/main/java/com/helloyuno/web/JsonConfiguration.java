package com.helloyuno.web;

import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.converter.ByteArrayHttpMessageConverter;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.ResourceHttpMessageConverter;
import org.springframework.http.converter.ResourceRegionHttpMessageConverter;
import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * How request bodies are read.
 *
 * <p>The contract says wrong types are a 400. Jackson quietly turns {@code 42} or {@code true}
 * into a string; here it refuses instead, as it already does for the other scalar coercions
 * ({@code spring.jackson.mapper.allow-coercion-of-scalars=false}).
 *
 * <p>Every string of every request body, and every key, obeys {@link ClientText}'s rule. The rule
 * is given to the HTTP message converter only, not to the application's own mapper: that one also
 * reads back what Yuno wrote itself (the spool, stored settings), and a model's answer that held a
 * control character must not become unreadable there.
 */
@Configuration(proxyBeanMethods = false)
class JsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer strictScalars() {
        return builder -> builder.withCoercionConfig(
                LogicalType.Textual,
                config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    /** After Boot's own JSON converter, which it replaces with one whose mapper checks client text. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    ServerHttpMessageConvertersCustomizer clientTextConverter(JsonMapper json) {
        var requests = json.rebuild()
                .addModule(new SimpleModule("client-text")
                        .addDeserializer(String.class, new CheckedString())
                        .addKeyDeserializer(String.class, new CheckedKey()))
                .addHandler(new CheckedUnknownKeys())
                .build();
        var converter = new JacksonJsonHttpMessageConverter(requests);
        // Yuno speaks JSON, text, bytes, resources and forms, and nothing else: converters that
        // libraries on the class path add (XML through JAXB, YAML through Jackson 2, brought by the
        // API document's libraries) were asked on every response whether they could write it, and
        // the YAML one would have read request bodies past the client-text rule. An allow-list, so
        // that a converter a new library brings stays out too.
        return builder -> builder.withJsonConverter(converter)
                .configureMessageConvertersList(converters -> converters.removeIf(c -> !served(c, converter)));
    }

    private static boolean served(HttpMessageConverter<?> candidate, HttpMessageConverter<?> json) {
        return candidate == json
                || candidate instanceof ByteArrayHttpMessageConverter
                || candidate instanceof StringHttpMessageConverter
                || candidate instanceof ResourceHttpMessageConverter
                || candidate instanceof ResourceRegionHttpMessageConverter
                || candidate instanceof FormHttpMessageConverter;
    }

    /** Jackson's own string reading, then the rule. */
    private static final class CheckedString extends StdScalarDeserializer<String> {

        CheckedString() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) {
            var value = StringDeserializer.instance.deserialize(parser, context);
            ClientText.check(parser, value);
            return value;
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Textual;
        }

        @Override
        public boolean isCachable() {
            return true;
        }
    }

    /** Keys of maps with string keys. */
    private static final class CheckedKey extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext context) {
            ClientText.check(context.getParser(), key);
            return key;
        }
    }

    /** Keys that match no property are ignored, but not when they carry a control character. */
    private static final class CheckedUnknownKeys extends DeserializationProblemHandler {
        @Override
        public boolean handleUnknownProperty(
                DeserializationContext context,
                JsonParser parser,
                ValueDeserializer<?> deserializer,
                Object beanOrClass,
                String propertyName) {
            ClientText.check(parser, propertyName);
            return false;
        }
    }
}
