package com.helloyuno.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description ({@code /v3/api-docs}, {@code /swagger-ui.html}) with the key scheme. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String API_KEY = "apiKey";

    @Bean
    OpenAPI yunoOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Yuno API")
                        .version("1")
                        .description("Widget endpoints and the owner/operator API. Owner and operator calls carry"
                                + " 'Authorization: Bearer <key>': the operator key (YUNO_ADMIN_API_KEY) or a"
                                + " site's owner key (ysk_...)."))
                .components(new Components()
                        .addSecuritySchemes(
                                API_KEY,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("The operator key or a site's owner key (ysk_...)")))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY));
    }
}
