package com.helloyuno.apidoc;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Limits that are settings reach the description as this instance has them, not as their
 * defaults: an operator who lowers one sees it in {@code /v3/api-docs} too.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.chat.max-page-size=7",
            "yuno.chat.max-messages=3",
            "yuno.chat.max-message-chars=300",
            "yuno.knowledge.crawler.max-pages-limit=9",
            "yuno.sites.max-additional-domains=2"
        })
class ConfiguredLimitsIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void theDescriptionShowsTheConfiguredLimits() {
        var http = new Http(port);
        var docs = http.get("/v3/api-docs").json();
        var schemas = docs.path("components").path("schemas");
        var size = docs.path("paths")
                .path("/api/sites/{site_id}/conversations")
                .path("get")
                .path("parameters")
                .get(2);
        assertThat(size.path("name").asString()).isEqualTo("size");
        assertThat(size.path("schema").path("maximum").asInt()).isEqualTo(7);
        assertThat(size.path("schema").path("description").asString()).contains("yuno.chat.max-page-size");
        var ask = schemas.path("AskRequest").path("properties");
        assertThat(ask.path("messages").path("maxItems").asInt()).isEqualTo(3);
        assertThat(schemas.path("AskMessage")
                        .path("properties")
                        .path("content")
                        .path("maxLength")
                        .asInt())
                .isEqualTo(300);
        assertThat(schemas.path("CrawlRequest")
                        .path("properties")
                        .path("max_pages")
                        .path("maximum")
                        .asInt())
                .isEqualTo(9);
        assertThat(schemas.path("CreateSite")
                        .path("properties")
                        .path("additional_domains")
                        .path("maxItems")
                        .asInt())
                .isEqualTo(2);

        var site = new SiteApi(http, SiteApi.OPERATOR_KEY).create("limits-" + UUID.randomUUID() + ".example.com");
        var key = "Bearer " + site.ownerKey();
        var conversations = "/api/sites/" + site.siteId() + "/conversations";
        assertThat(http.get(conversations + "?size=7", "Authorization", key).status())
                .isEqualTo(200);
        assertThat(http.get(conversations + "?size=8", "Authorization", key).status())
                .isEqualTo(400);
    }
}
