package com.helloyuno.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description ({@code /v3/api-docs}, {@code /swagger-ui.html}): its title, tags and webhooks. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI yunoOpenApi() {
        // The security schemes, each operation's credentials and its refusals come from
        // apidoc.ApiDocCustomizer; the tags here give each group of operations its description.
        return new OpenAPI()
                .info(new Info()
                        .title("Yuno API")
                        .version("1")
                        .description("The widget's endpoints (public, or with the widget token that"
                                + " POST /widget/authenticate gives) and the owner/operator API, whose calls carry"
                                + " 'Authorization: Bearer <key>': the operator key (YUNO_ADMIN_API_KEY) or a"
                                + " site's owner key (ysk_...). JSON bodies use snake_case; every error is an"
                                + " RFC 9457 problem document (application/problem+json) with a stable code."))
                .tags(List.of(
                        new Tag().name("Widget").description("What the widget calls from visitors' browsers."),
                        new Tag().name("Sites").description("Sites, their keys and secrets, and their usage."),
                        new Tag().name("Documents").description("A site's knowledge: documents as text or files."),
                        new Tag().name("Crawls").description("A site's knowledge fetched from its own pages."),
                        new Tag().name("Leads").description("The contact details visitors left."),
                        new Tag().name("Conversations").description("What visitors asked and were answered."),
                        new Tag()
                                .name("Deliveries")
                                .description("Lead events sent to a site's webhook and by e-mail.")))
                .addWebhooks("lead", leadWebhook());
    }

    /** What Yuno POSTs to a site's lead webhook URL (the README has the receiver's check in code). */
    private static PathItem leadWebhook() {
        var lead = new ObjectSchema()
                .addProperty("lead_id", new StringSchema().format("uuid"))
                .addProperty("session_id", new StringSchema().nullable(true))
                .addProperty("name", new StringSchema().nullable(true))
                .addProperty("email", new StringSchema().nullable(true))
                .addProperty("phone", new StringSchema().nullable(true).description("E.164"))
                .addProperty("message", new StringSchema().nullable(true))
                .addProperty("intent", new StringSchema().nullable(true))
                .addProperty("source", new StringSchema()._enum(List.of("chat", "form")))
                .addProperty("created_at", new StringSchema().format("date-time"))
                .addProperty("updated_at", new StringSchema().format("date-time"));
        var event = new ObjectSchema()
                .addProperty(
                        "id", new StringSchema().format("uuid").description("the event id; the same on every retry"))
                .addProperty("type", new StringSchema()._enum(List.of("lead.created", "lead.updated", "webhook.test")))
                .addProperty("created_at", new StringSchema().format("date-time"))
                .addProperty("site_id", new StringSchema())
                .addProperty(
                        "data",
                        new ObjectSchema()
                                .addProperty("lead", lead)
                                .addProperty(
                                        "question",
                                        new StringSchema()
                                                .nullable(true)
                                                .description("the visitor's message that carried the contact details"))
                                .addProperty(
                                        "conversation_url",
                                        new StringSchema()
                                                .nullable(true)
                                                .description("the conversation in the owner API")));
        var signature = new Parameter()
                .in("header")
                .name("Yuno-Signature")
                .required(true)
                .description("t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" under the site's webhook"
                        + " secret>; refuse a t more than 5 minutes from your clock")
                .schema(new StringSchema());
        return new PathItem()
                .post(new Operation()
                        .operationId("leadWebhook")
                        .summary("A lead was created or updated (sent to custom_config.lead_webhook_url)")
                        // Yuno signs the request (Yuno-Signature); the receiver's URL asks for no credentials.
                        .security(List.of())
                        .description("Delivered at least once: retried with exponential back-off for 24 h on"
                                + " timeouts, 5xx, 408 and 429 (Retry-After honoured), given up on other 4xx."
                                + " Answer 2xx within 5 s; ignore event ids already handled.")
                        .addParametersItem(signature)
                        .addParametersItem(new Parameter()
                                .in("header")
                                .name("Yuno-Event-Id")
                                .schema(new StringSchema().format("uuid")))
                        .addParametersItem(new Parameter()
                                .in("header")
                                .name("Yuno-Event-Type")
                                .schema(new StringSchema()))
                        .requestBody(new RequestBody()
                                .required(true)
                                .content(new Content().addMediaType("application/json", new MediaType().schema(event))))
                        .responses(
                                new ApiResponses().addApiResponse("2XX", new ApiResponse().description("received"))));
    }
}
