package com.helloyuno.spool;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A spool belongs to one database. The tests' contexts each have a spool of their own, never the
 * working directory's that a local instance ({@code scripts/run.sh}) fills for its database; and an
 * entry spooled for another database is quarantined, never written into this one.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY})
class SpoolIsolationIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    SpoolSettings settings;

    @Autowired
    Spool spool;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    @Test
    void aTestContextNeverUsesTheWorkingDirectorysSpool() {
        var local = Path.of(".yuno/spool").toAbsolutePath().normalize();
        var used = settings.directory().toAbsolutePath().normalize();
        assertThat(used).isNotEqualTo(local);
        assertThat(used.startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath()))
                .as(used.toString())
                .isTrue();
    }

    @Test
    void anEntrySpooledForAnotherDatabaseIsQuarantinedAndOneForThisDatabaseWritten() throws Exception {
        var site = new SiteApi(new Http(port), SiteApi.OPERATOR_KEY).create("isolation.example");
        var ours = jdbc.sql("SELECT id::text FROM database_identity")
                .query(String.class)
                .single();
        Files.createDirectories(settings.directory());
        Files.write(
                settings.directory().resolve("00000000000000000001.json"),
                json.writeValueAsBytes(historyEntry("another-database-id", site.siteId(), "theirs")));
        Files.write(
                settings.directory().resolve("00000000000000000002.json"),
                json.writeValueAsBytes(historyEntry(ours, site.siteId(), "ours")));

        spool.drain();

        assertThat(jdbc.sql("SELECT content FROM chat_history WHERE site_id = ? AND role = 'user'")
                        .param(site.siteId())
                        .query(String.class)
                        .list())
                .containsExactly("ours");
        var quarantined = settings.quarantine().resolve("00000000000000000001.json");
        assertThat(quarantined).exists();
        assertThat(json.readTree(Files.readAllBytes(quarantined))
                        .path("quarantine")
                        .path("reason")
                        .asString())
                .contains("another database");
        Files.delete(quarantined);
    }

    /** A history write as the chat spools it (kind "history", both rows of a turn). */
    private static Map<String, Object> historyEntry(String database, String siteId, String content) {
        var entry = new LinkedHashMap<String, Object>();
        entry.put("kind", "history");
        entry.put("database", database);
        entry.put("payload", Map.of("user", row(siteId, "user", content), "assistant", row(siteId, "assistant", "ok")));
        return entry;
    }

    private static Map<String, Object> row(String siteId, String role, String content) {
        var row = new LinkedHashMap<String, Object>();
        row.put("id", UUID.randomUUID().toString());
        row.put("site_id", siteId);
        row.put("session_id", "isolation");
        row.put("role", role);
        row.put("content", content);
        row.put("timestamp", Instant.now().toString());
        row.put("compliance_red_flag", false);
        return row;
    }
}
