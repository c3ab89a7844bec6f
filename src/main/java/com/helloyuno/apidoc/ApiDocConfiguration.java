package com.helloyuno.apidoc;

import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.json.JsonMapper;

/** The description's own beans, which springdoc picks up by their types. */
@Configuration(proxyBeanMethods = false)
class ApiDocConfiguration {

    /**
     * First of the model converters springdoc registers, so that it ends up last in Swagger's chain,
     * just before the default resolver it stands in for: springdoc's own converters (which unwrap
     * {@code ResponseEntity}, files and the like) run before it.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    WireModelResolver wireModelResolver(JsonMapper json) {
        return new WireModelResolver(new WireNames(json));
    }

    @Bean
    OperationAnnotations operationAnnotations() {
        return new OperationAnnotations();
    }

    @Bean
    ApiDocCustomizer apiDocCustomizer(JsonMapper json, ApplicationContext context) {
        return new ApiDocCustomizer(new WireNames(json), new Settings(context));
    }
}
