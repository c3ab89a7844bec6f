package com.helloyuno.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Sites, knowledge, tokens and questions for the chat tests, through the real API where there is one. */
record ChatFixtures(Http http, JdbcClient jdbc) {

    static final JsonMapper JSON = JsonMapper.builder().build();

    record Site(String siteId, String ownerKey, String token) {}

    Site site(String domain) {
        return site(Map.of("domain", domain));
    }

    /** A site made from this body (a {@code domain} and any other field of the sites API). */
    Site site(Map<String, Object> body) {
        var created = new SiteApi(http, SiteApi.OPERATOR_KEY).create(body);
        var domain = (String) body.get("domain");
        return new Site(created.siteId(), created.ownerKey(), token(created.siteId(), domain));
    }

    String token(String siteId, String domain) {
        var response = http.post(
                "/widget/authenticate",
                Http.json(Map.of("site_id", siteId, "domain", domain, "nonce", "nonce-" + UUID.randomUUID())),
                "Content-Type",
                "application/json");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("token").asString();
    }

    /** A document of one chunk, stored as ingestion stores it (the full-text column fills itself). */
    void document(String siteId, String title, String url, String content) {
        var id = UUID.randomUUID();
        jdbc.sql("INSERT INTO documents (id, site_id, title, url, content_type, content_hash) VALUES (?, ?, ?, ?,"
                        + " 'text/plain', ?)")
                .params(id, siteId, title, url, id.toString())
                .update();
        jdbc.sql("INSERT INTO chunks (site_id, document_id, ordinal, title, url, content, token_count) VALUES (?, ?, 0,"
                        + " ?, ?, ?, ?)")
                .params(siteId, id, title, url, content, content.length() / 4)
                .update();
    }

    Http.Response ask(String token, Object body, String... headers) {
        var all = new ArrayList<>(List.of("Authorization", "Bearer " + token, "Content-Type", "application/json"));
        all.addAll(List.of(headers));
        return http.post("/ask", body instanceof String s ? s : Http.json(body), all.toArray(String[]::new));
    }

    Http.Response ask(String token, String question, String sessionId) {
        return ask(
                token,
                Map.of("messages", List.of(Map.of("role", "user", "content", question)), "session_id", sessionId));
    }

    /** One server-sent event. */
    record Event(String name, JsonNode data) {}

    static List<Event> events(String body) {
        var events = new ArrayList<Event>();
        for (var block : body.split("\n\n")) {
            String name = null;
            String data = null;
            for (var line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (name != null) {
                events.add(new Event(name, JSON.readTree(data)));
            }
        }
        return events;
    }

    static String tokens(List<Event> events) {
        var text = new StringBuilder();
        events.stream()
                .filter(e -> e.name().equals("token"))
                .forEach(e -> text.append(e.data().path("text").asString()));
        return text.toString();
    }

    static Map<String, Object> message(String role, String content) {
        var m = new LinkedHashMap<String, Object>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }
}
