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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * V7 (retrieval at scale) carries a database of the version before it over: vectors become
 * halfvec with their quantized bits, full text is rebuilt as English (how it was indexed), the
 * site keeps English, and the data stays searchable; later migrations keep it (V10 counts the
 * site's chunks for its knowledge version).
 */
class RetrievalMigrationIntegrationTests {

    private final String database = "yuno_v7_" + UUID.randomUUID().toString().replace("-", "");
    private final String url = TestServices.databaseUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");

    @AfterEach
    void dropDatabase() throws Exception {
        try (var admin = connect(TestServices.databaseUrl())) {
            com.helloyuno.testsupport.DatabaseDrops.drop(
                    () -> admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)"));
        }
    }

    @Test
    void aVersion6DatabaseIsCarriedOverWithItsVectorsAndFullText() throws SQLException {
        try (var admin = connect(TestServices.databaseUrl())) {
            admin.createStatement().execute("CREATE DATABASE " + database);
        }
        assertThat(flyway("6").migrate().success).isTrue();
        var document = UUID.randomUUID();
        try (var db = connect(url)) {
            db.createStatement()
                    .execute("INSERT INTO sites (site_id, domain) VALUES ('Old0site00000001', 'old.example')");
            db.createStatement()
                    .execute("INSERT INTO documents (id, site_id, title, content_type, content_hash) VALUES ('"
                            + document + "', 'Old0site00000001', 'Refunds', 'text/plain', 'h')");
            // A vector with positive and negative components: its bits are checkable.
            db.createStatement()
                    .execute("INSERT INTO chunks (site_id, document_id, ordinal, title, content, embedding,"
                            + " embedding_model) VALUES ('Old0site00000001', '" + document + "', 0, 'Refunds',"
                            + " 'Customers returned the goods', (SELECT array_agg(CASE WHEN i % 2 = 0 THEN 0.5"
                            + " ELSE -0.25 END) FROM generate_series(1, 1536) i)::vector, 'text-embedding-3-small')");
        }

        assertThat(flyway("latest").migrate().success).isTrue();

        assertThat(strings("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid ="
                        + " 'chunks'::regclass AND attname = 'embedding'"))
                .containsExactly("halfvec(1536)");
        assertThat(strings("SELECT (embedding::vector)::text FROM chunks").getFirst())
                .startsWith("[-0.25,0.5,-0.25,");
        assertThat(strings("SELECT substring(embedding_bits::text, 1, 6) FROM chunks"))
                .containsExactly("010101");
        assertThat(strings("SELECT language || ' ' || text_search_config::text FROM sites"))
                .containsExactly("en english");
        // Stemmed as English, as before: "return" finds "returned", "customer" finds "Customers".
        assertThat(strings("SELECT text_config::text FROM chunks WHERE search_text @@"
                        + " to_tsquery('english', 'return & customer')"))
                .containsExactly("english");
        // V10: the site's knowledge has a version and counts the chunk it had (the in-memory first
        // pass and the site's own common words rely on it).
        assertThat(strings("SELECT site_id || ' ' || chunks || ' ' || (version > 0) FROM knowledge_versions"))
                .containsExactly("Old0site00000001 1 true");
        // TRUNCATE fires no row trigger: its own gives every site a new version and no chunks.
        var before = strings("SELECT version::text FROM knowledge_versions").getFirst();
        try (var db = connect(url)) {
            db.createStatement().execute("TRUNCATE chunks");
        }
        assertThat(strings("SELECT chunks || ' ' || (version <> " + before + ") FROM knowledge_versions"))
                .containsExactly("0 true");
    }

    private Flyway flyway(String target) {
        return Flyway.configure()
                .dataSource(url, TestServices.databaseUsername(), TestServices.databasePassword())
                .locations("classpath:db/migration")
                .target(target)
                .load();
    }

    private List<String> strings(String sql) throws SQLException {
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
