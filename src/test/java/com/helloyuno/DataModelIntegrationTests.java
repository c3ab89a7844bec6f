package com.helloyuno;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.testsupport.TestServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The migrations, applied by Flyway to a database created empty for this test. */
class DataModelIntegrationTests {

    private static final String DATABASE =
            "yuno_migration_" + UUID.randomUUID().toString().replace("-", "");
    private static String url;

    @BeforeAll
    static void migrateEmptyDatabase() throws SQLException {
        try (var admin = connect(TestServices.databaseUrl())) {
            admin.createStatement().execute("CREATE DATABASE " + DATABASE);
        }
        url = TestServices.databaseUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + DATABASE + "$1");
        var result = Flyway.configure()
                .dataSource(url, TestServices.databaseUsername(), TestServices.databasePassword())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isPositive();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        try (var admin = connect(TestServices.databaseUrl())) {
            com.helloyuno.testsupport.DatabaseDrops.drop(
                    () -> admin.createStatement().execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)"));
        }
    }

    @Test
    void createsEveryTableOfTheDataModel() throws SQLException {
        assertThat(strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                        + " AND table_name <> 'flyway_schema_history'"))
                .containsExactlyInAnyOrder(
                        "sites",
                        "chat_history",
                        "leads",
                        "documents",
                        "chunks",
                        "crawl_jobs",
                        "database_identity",
                        "outbox",
                        "outbox_attempts",
                        "knowledge_versions",
                        "common_words",
                        "site_common_words");
    }

    @Test
    void keepsEveryFieldOfTheOriginalDesign() throws SQLException {
        assertThat(columns("sites"))
                .contains(
                        "id",
                        "site_id",
                        "domain",
                        "user_id",
                        "plan_type",
                        "plan_active",
                        "widget_enabled",
                        "created_at",
                        "theme",
                        "custom_config",
                        "additional_domains",
                        "allow_subdomains",
                        "owner_key_hash");
        assertThat(columns("chat_history"))
                .contains(
                        "id",
                        "site_id",
                        "session_id",
                        "user_id",
                        "page_url",
                        "role",
                        "content",
                        "timestamp",
                        "raw_json_output",
                        "lang",
                        "answer_confidence",
                        "intent",
                        "tokens_used",
                        "user_sentiment",
                        "compliance_red_flag");
        assertThat(columns("leads"))
                .contains("id", "site_id", "session_id", "name", "email", "phone", "message", "intent", "created_at");
    }

    @Test
    void everyTableWithSiteDataIsIndexedBySite() throws SQLException {
        for (var table :
                List.of("chat_history", "leads", "documents", "chunks", "crawl_jobs", "outbox", "site_common_words")) {
            assertThat(columns(table)).as(table).contains("site_id");
            var leadingSiteIndexes = strings(
                    "SELECT indexdef FROM pg_indexes WHERE tablename = '" + table + "' AND indexdef LIKE '%(site_id%'");
            assertThat(leadingSiteIndexes)
                    .as("an index on %s led by site_id", table)
                    .isNotEmpty();
        }
    }

    @Test
    void chunksHaveAHalfPrecisionVectorWithItsBitsInACoveringIndexAndAFullTextIndexBySite() throws SQLException {
        assertThat(strings("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                        + " WHERE attrelid = 'chunks'::regclass AND attname IN ('embedding', 'embedding_bits')"
                        + " ORDER BY attname"))
                .containsExactly("halfvec(1536)", "bit(1536)");
        var indexes = strings("SELECT indexdef FROM pg_indexes WHERE tablename = 'chunks'");
        assertThat(indexes)
                .anyMatch(d -> d.contains("(site_id, embedding_model) INCLUDE (id, embedding_bits)"))
                // The full-text index leads with the site: one site's search reads only its entries.
                .anyMatch(d -> d.contains("USING gin (site_id, search_text)")
                        // Every search reads the index's pending list: kept small.
                        && d.contains("gin_pending_list_limit='256'"))
                .noneMatch(d -> d.contains("USING gin (search_text)"))
                .noneMatch(d -> d.contains("hnsw"));
        // Rows of up to a page stay whole: the search reads vectors and full text from the row.
        assertThat(strings("SELECT unnest(reloptions) FROM pg_class WHERE relname = 'chunks'"))
                .contains("toast_tuple_target=8160");
        assertThat(strings("SELECT attgenerated::text FROM pg_attribute"
                        + " WHERE attrelid = 'chunks'::regclass AND attname IN ('search_text', 'embedding_bits')"))
                .containsExactly("s", "s");
    }

    @Test
    void fullTextColumnIsFilledFromTitleHeadingsAndContentInTheChunksConfiguration() throws SQLException {
        var site = newSite();
        try (var db = connect(url)) {
            var document = insertDocument(db, site);
            db.createStatement()
                    .execute("INSERT INTO chunks (site_id, document_id, ordinal, title, heading_path, content,"
                            + " text_config) VALUES ('" + site + "', '" + document + "', 0, 'Refund policy', 'Returns',"
                            + " 'Customers may return goods within thirty days.', 'english')");
        }
        assertThat(strings("SELECT title FROM chunks WHERE site_id = '" + site
                        + "' AND search_text @@ websearch_to_tsquery('english', 'refunds returned goods')"))
                .containsExactly("Refund policy");
    }

    @Test
    void aSitesNewLanguageReindexesItsChunksAndNoOtherSites() throws SQLException {
        var site = newSite();
        var other = newSite();
        try (var db = connect(url)) {
            for (var s : List.of(site, other)) {
                var document = insertDocument(db, s);
                db.createStatement()
                        .execute("INSERT INTO chunks (site_id, document_id, ordinal, content) VALUES ('" + s + "', '"
                                + document + "', 0, 'Die Kunden bestellen Bücher')");
            }
            db.createStatement()
                    .execute("UPDATE sites SET text_search_config = 'german' WHERE site_id = '" + site + "'");
        }
        // German stemming: "Bücher" and "Buch" meet at "buch"; "die" is a German stop word.
        var stemmed = "search_text @@ to_tsquery('german', 'Buch') AND NOT search_text @@ to_tsquery('simple', 'die')";
        assertThat(strings(
                        "SELECT site_id FROM chunks WHERE site_id IN ('" + site + "', '" + other + "') AND " + stemmed))
                .containsExactly(site);
        assertThat(strings("SELECT text_config::text FROM chunks WHERE site_id = '" + other + "'"))
                .containsExactly("simple");
    }

    @Test
    void deletingASiteRemovesEveryRowOfIt() throws SQLException {
        var doomed = newSite();
        var kept = newSite();
        try (var db = connect(url)) {
            for (var site : List.of(doomed, kept)) {
                var job = UUID.randomUUID();
                db.createStatement()
                        .execute("INSERT INTO crawl_jobs (id, site_id, url, max_pages) VALUES ('" + job + "', '" + site
                                + "', 'https://example.com/sitemap.xml', 10)");
                var document = insertDocument(db, site);
                db.createStatement()
                        .execute("INSERT INTO chunks (site_id, document_id, ordinal, content, embedding) VALUES ('"
                                + site + "', '" + document + "', 0, 'hello', array_fill(0.1, ARRAY[1536])::halfvec)");
                db.createStatement()
                        .execute("INSERT INTO chat_history (site_id, session_id, role, content) VALUES ('" + site
                                + "', 's1', 'user', 'hi')");
                db.createStatement()
                        .execute("INSERT INTO leads (site_id, session_id, email) VALUES ('" + site
                                + "', 's1', 'a@example.com')");
                var delivery = UUID.randomUUID();
                db.createStatement()
                        .execute("INSERT INTO outbox (id, event_id, channel, site_id, event_type, payload, retry_until)"
                                + " VALUES ('" + delivery + "', gen_random_uuid(), 'webhook', '" + site
                                + "', 'lead.created', '{}', now())");
                db.createStatement()
                        .execute("INSERT INTO outbox_attempts (outbox_id, duration_ms, instance) VALUES ('" + delivery
                                + "', 1, 'test')");
            }
            db.createStatement().execute("DELETE FROM sites WHERE site_id = '" + doomed + "'");
        }
        // The doomed site's delivery attempts went with its outbox rows; the kept site's stayed.
        assertThat(strings("SELECT count(*)::text FROM outbox_attempts a"
                        + " WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = a.outbox_id)"))
                .containsExactly("0");
        assertThat(strings("SELECT count(*)::text FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id"
                        + " WHERE o.site_id = '" + kept + "'"))
                .containsExactly("1");
        for (var table : List.of("sites", "chat_history", "leads", "documents", "chunks", "crawl_jobs", "outbox")) {
            assertThat(strings("SELECT count(*)::text FROM " + table + " WHERE site_id = '" + doomed + "'"))
                    .as(table)
                    .containsExactly("0");
            assertThat(strings("SELECT count(*)::text FROM " + table + " WHERE site_id = '" + kept + "'"))
                    .as(table)
                    .containsExactly("1");
        }
    }

    @Test
    void refusesSiteIdsThatAreNotSixteenAlphanumerics() throws SQLException {
        try (var db = connect(url)) {
            var insert = db.prepareStatement("INSERT INTO sites (site_id, domain) VALUES (?, 'example.com')");
            for (var bad : List.of("short", "has-a-dash-12345", "x".repeat(17))) {
                insert.setString(1, bad);
                org.assertj.core.api.Assertions.assertThatThrownBy(insert::executeUpdate)
                        .as(bad)
                        .isInstanceOf(SQLException.class);
            }
        }
    }

    private static String newSite() throws SQLException {
        var siteId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (var db = connect(url)) {
            db.createStatement()
                    .execute("INSERT INTO sites (site_id, domain) VALUES ('" + siteId + "', 'example.com')");
        }
        return siteId;
    }

    private static UUID insertDocument(Connection db, String site) throws SQLException {
        var id = UUID.randomUUID();
        db.createStatement()
                .execute("INSERT INTO documents (id, site_id, title, content_type, content_hash) VALUES ('" + id
                        + "', '" + site + "', 'Doc', 'text/plain', '" + id + "')");
        return id;
    }

    private static List<String> columns(String table) throws SQLException {
        return strings("SELECT column_name FROM information_schema.columns WHERE table_name = '" + table + "'");
    }

    private static List<String> strings(String sql) throws SQLException {
        try (var db = connect(url);
                var rows = db.createStatement().executeQuery(sql)) {
            var out = new ArrayList<String>();
            while (rows.next()) {
                out.add(rows.getString(1));
            }
            return out;
        }
    }

    private static Connection connect(String jdbcUrl) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, TestServices.databaseUsername(), TestServices.databasePassword());
    }
}
