package com.helloyuno.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.testsupport.Http;
import java.util.Map;

/** Creates and manages sites through the real HTTP API, for tests. */
public record SiteApi(Http http, String operatorKey) {

    public static final String OPERATOR_KEY = "operator-key-for-tests-0123456789";

    /** A site as created, with its owner key. */
    public record Created(String siteId, String ownerKey) {}

    public Created create(Map<String, Object> body) {
        var response = http.post("/api/sites", Http.json(body), headers());
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        var json = response.json();
        return new Created(
                json.path("site_id").asString(), json.path("owner_key").asString());
    }

    public Created create(String domain) {
        return create(Map.of("domain", domain));
    }

    public Http.Response patch(String siteId, Map<String, Object> body) {
        return http.method("PATCH", "/api/sites/" + siteId, Http.json(body), headers());
    }

    public String rotate(String siteId) {
        var response = http.post("/api/sites/" + siteId + "/owner-key", "", "Authorization", "Bearer " + operatorKey);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("owner_key").asString();
    }

    private String[] headers() {
        return new String[] {"Authorization", "Bearer " + operatorKey, "Content-Type", "application/json"};
    }
}
