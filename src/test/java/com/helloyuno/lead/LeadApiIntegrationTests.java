package com.helloyuno.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.site.SiteApi.Created;
import com.helloyuno.testsupport.Http;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code GET /api/sites/{site_id}/leads} over real HTTP: JSON pages, CSV, and tenancy. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY)
class LeadApiIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    LeadService leads;

    Http http;
    Created a;
    Created b;

    @BeforeEach
    void sites() {
        http = new Http(port);
        var api = new SiteApi(http, SiteApi.OPERATOR_KEY);
        a = api.create("a-" + UUID.randomUUID() + ".example.com");
        b = api.create("b-" + UUID.randomUUID() + ".example.com");
    }

    @Test
    void theOwnerPagesThroughItsLeadsNewestFirst() {
        leads.captureFromChat(a.siteId(), "s-1", new ChatLead("Ann", "ann@example.com", null, "pricing"));
        leads.submitForm(a.siteId(), new LeadForm(null, "Bob", null, "+44 20 7946 0958", "Call me"));
        leads.submitForm(a.siteId(), new LeadForm(null, "Cy", "cy@example.com", null, null));

        var first = get("/api/sites/" + a.siteId() + "/leads?size=2", a.ownerKey(), "application/json");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("Content-Type")).startsWith("application/json");
        var body = first.json();
        assertThat(body.path("total").asLong()).isEqualTo(3);
        assertThat(body.path("page").asInt()).isZero();
        assertThat(body.path("size").asInt()).isEqualTo(2);
        assertThat(body.path("items").size()).isEqualTo(2);
        var newest = body.path("items").get(0);
        assertThat(newest.path("name").asString()).isEqualTo("Cy");
        assertThat(newest.path("email").asString()).isEqualTo("cy@example.com");
        assertThat(newest.path("source").asString()).isEqualTo("form");
        assertThat(newest.path("lead_id").asString()).matches("[0-9a-f-]{36}");
        assertThat(newest.path("site_id").asString()).isEqualTo(a.siteId());
        assertThat(newest.path("created_at").asString()).endsWith("Z");
        assertThat(body.path("items").get(1).path("phone").asString()).isEqualTo("+442079460958");

        var second = get("/api/sites/" + a.siteId() + "/leads?page=1&size=2", SiteApi.OPERATOR_KEY, null);
        assertThat(second.status()).isEqualTo(200);
        var last = second.json().path("items");
        assertThat(last.size()).isEqualTo(1);
        assertThat(last.get(0).path("session_id").asString()).isEqualTo("s-1");
        assertThat(last.get(0).path("intent").asString()).isEqualTo("pricing");

        var anything = get("/api/sites/" + a.siteId() + "/leads", a.ownerKey(), "*/*");
        assertThat(anything.header("Content-Type")).startsWith("application/json");
    }

    @Test
    void csvHasAHeaderRowQuotesFieldsAndDefusesFormulas() {
        leads.submitForm(
                a.siteId(),
                new LeadForm(null, "=HYPERLINK(\"http://evil\",\"x\")", "ann@example.com", null, "Hi, \"team\"\nbye"));
        leads.submitForm(a.siteId(), new LeadForm("s-2", "@Bob", null, "+1 415 555 2671", "-1+2"));

        var response = get("/api/sites/" + a.siteId() + "/leads", a.ownerKey(), "text/csv");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("text/csv");
        assertThat(response.header("Content-Disposition"))
                .contains("attachment")
                .contains(".csv");
        var lines = response.body().split("\r\n");
        assertThat(lines[0])
                .isEqualTo("lead_id,session_id,name,email,phone,message,intent,source,created_at,updated_at");
        // Newest first: Bob's lead, then Ann's, whose message spans two lines inside quotes.
        var bob = lines[1].split(",", -1);
        assertThat(bob[1]).isEqualTo("s-2");
        assertThat(bob[2]).isEqualTo("'@Bob");
        assertThat(bob[4]).isEqualTo("'+14155552671");
        assertThat(bob[5]).isEqualTo("'-1+2");
        assertThat(bob[7]).isEqualTo("form");
        assertThat(lines[2])
                .contains(
                        ",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",ann@example.com,,\"Hi, \"\"team\"\"\nbye\",");
        assertThat(lines).hasSize(3);
    }

    @Test
    void csvPagesWhenAPageIsAsked() {
        for (int i = 0; i < 3; i++) {
            leads.submitForm(a.siteId(), new LeadForm(null, "P" + i, "p" + i + "@example.com", null, null));
        }

        var page = get("/api/sites/" + a.siteId() + "/leads?page=1&size=2", SiteApi.OPERATOR_KEY, "text/csv");

        assertThat(page.status()).isEqualTo(200);
        var lines = page.body().split("\r\n");
        assertThat(lines).hasSize(2);
        assertThat(Arrays.asList(lines[1].split(","))).contains("P0");
    }

    @Test
    void anotherOwnerGets404ForThisSitesLeadsInEitherFormat() {
        leads.submitForm(a.siteId(), new LeadForm(null, "Ann", "ann@example.com", null, null));

        for (var accept : new String[] {"application/json", "text/csv"}) {
            var response = get("/api/sites/" + a.siteId() + "/leads", b.ownerKey(), accept);
            assertThat(response.status()).as(accept).isEqualTo(404);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(response.json().path("code").asString()).isEqualTo("site_not_found");
            assertThat(response.body()).doesNotContain("ann@example.com");
        }
        var own = get("/api/sites/" + b.siteId() + "/leads", b.ownerKey(), "application/json");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().path("total").asLong()).isZero();
    }

    @Test
    void withoutAKeyItIs401AndATooLargePageIs400() {
        assertThat(get("/api/sites/" + a.siteId() + "/leads", null, null).status())
                .isEqualTo(401);
        var tooLarge = get("/api/sites/" + a.siteId() + "/leads?size=101", a.ownerKey(), null);
        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.json().path("code").asString()).isEqualTo("invalid_request");
    }

    private Http.Response get(String path, String key, String accept) {
        var headers = new java.util.ArrayList<String>();
        if (key != null) {
            headers.add("Authorization");
            headers.add("Bearer " + key);
        }
        if (accept != null) {
            headers.add("Accept");
            headers.add(accept);
        }
        return http.get(path, headers.toArray(String[]::new));
    }
}
