package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A site's knowledge is searched in its own language: the owner says which (ISO 639-1), its text
 * is stemmed and its stop words dropped accordingly, and saying another re-indexes what is stored.
 * A site that says none matches words as written, and still never matches on a stop word alone.
 */
class SiteLanguageIntegrationTests extends KnowledgeIntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Chunks chunks;

    @Autowired
    KnowledgeSettings settings;

    Http http;
    SiteApi sites;

    @BeforeEach
    void api() {
        http = new Http(port);
        sites = new SiteApi(http, OPERATOR_KEY);
    }

    @Test
    void aGermanSiteIsStemmedAsGermanAndSwitchingLanguageReindexesIt() {
        var site = sites.create(Map.of("domain", "buchladen.example", "language", "de"));
        assertThat(http.get("/api/sites/" + site.siteId(), "Authorization", "Bearer " + site.ownerKey())
                        .json()
                        .path("language")
                        .asString())
                .isEqualTo("de");
        addDocument(site, "Versand", "Wir versenden alle Bücher innerhalb von zwei Tagen.");

        // "Buch" finds "Bücher" through German stemming; with no language it would not.
        assertThat(text(site.siteId(), "Wann kommt mein Buch?")).hasSize(1);

        var changed = sites.patch(site.siteId(), Map.of("language", ""));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("language").asString("none")).isEqualTo("none");
        assertThat(text(site.siteId(), "Wann kommt mein Buch?")).isEmpty();
        assertThat(text(site.siteId(), "Bücher")).hasSize(1);

        assertThat(sites.patch(site.siteId(), Map.of("language", "de")).status())
                .isEqualTo(200);
        assertThat(text(site.siteId(), "Buch")).hasSize(1);
    }

    @Test
    void aSiteWithoutALanguageMatchesWordsAsWrittenButNotOnStopWordsAlone() {
        var site = sites.create("plain.example");
        addDocument(site, "Delivery", "The parcels of the shop leave within two days.");

        assertThat(text(site.siteId(), "parcels")).hasSize(1);
        // Not stemmed: "parcel" is another word.
        assertThat(text(site.siteId(), "parcel")).isEmpty();
        // "the" and "of" are in the chunk, but name nothing: no passage from them alone.
        assertThat(text(site.siteId(), "the theory of everything")).isEmpty();
        assertThat(text(site.siteId(), "die Theorie von allem")).isEmpty();
    }

    @Test
    void anUnknownLanguageIsAClearProblem() {
        var refused = http.post(
                "/api/sites",
                Http.json(Map.of("domain", "nowhere.example", "language", "xx")),
                "Authorization",
                "Bearer " + OPERATOR_KEY,
                "Content-Type",
                "application/json");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("language").contains("de, ");
        var site = sites.create("somewhere.example");
        var malformed = sites.patch(site.siteId(), Map.of("language", "German"));
        assertThat(malformed.status()).as(malformed.body()).isEqualTo(400);
        assertThat(malformed.body()).contains("language");
    }

    private List<Chunks.Hit> text(String siteId, String question) {
        // The configured dictionaries: by default the simple ones of migration V12.
        return chunks.fullTextExact(siteId, question, settings.retrieval().stopWordDictionaries(), 10);
    }

    private void addDocument(SiteApi.Created site, String title, String content) {
        var created = http.post(
                "/api/sites/" + site.siteId() + "/documents",
                Http.json(Map.of("title", title, "content", content, "content_type", "text/plain")),
                "Authorization",
                "Bearer " + site.ownerKey(),
                "Content-Type",
                "application/json");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }
}
