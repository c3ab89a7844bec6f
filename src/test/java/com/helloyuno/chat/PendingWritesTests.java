package com.helloyuno.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.dao.DataAccessResourceFailureException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The spool on its own, on a real directory: bounded by {@code spool-max-entries}, and what waits
 * in it is written by the next instance that starts on the same directory, in order.
 */
class PendingWritesTests {

    record Note(String text) {}

    @TempDir
    Path spool;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void aFullSpoolDropsNewWritesAndCountsThem() throws IOException {
        var writes = pendingWrites(2);
        writes.register("note", Note.class, note -> {
            throw new DataAccessResourceFailureException("PostgreSQL is away");
        });

        for (var text : List.of("one", "two", "three")) {
            writes.submit("note", new Note(text));
        }

        assertThat(writes.waiting()).isEqualTo(2);
        assertThat(spooled()).hasSize(2);
        assertThat(meters.get("yuno.chat.spool.dropped").counter().count()).isEqualTo(1);
        assertThat(meters.get("yuno.chat.spool.delayed").counter().count()).isEqualTo(2);
    }

    @Test
    void whatWaitsIsWrittenInOrderByTheNextInstanceOnTheSameSpool() throws IOException {
        var before = pendingWrites(100);
        before.register("note", Note.class, note -> {
            throw new DataAccessResourceFailureException("PostgreSQL is away");
        });
        for (var text : List.of("one", "two", "three")) {
            before.submit("note", new Note(text));
        }
        assertThat(spooled()).hasSize(3);

        // A new instance (the old one died without a word) on the same directory.
        var after = pendingWrites(100);
        var written = new ArrayList<String>();
        after.register("note", Note.class, note -> written.add(note.text()));
        after.start();
        try {
            assertThat(after.waiting()).isEqualTo(3);
            assertThat(after.drain()).isEqualTo(3);
        } finally {
            after.stop();
        }

        assertThat(written).containsExactly("one", "two", "three");
        assertThat(after.waiting()).isZero();
        assertThat(spooled()).isEmpty();
    }

    private PendingWrites pendingWrites(int maxEntries) {
        var settings = new Binder(new MapConfigurationPropertySource(Map.of(
                        "yuno.chat.spool-directory", spool.toString(),
                        "yuno.chat.spool-max-entries", String.valueOf(maxEntries),
                        "yuno.chat.spool-retry-interval", "1h")))
                .bindOrCreate("yuno.chat", ChatSettings.class);
        return new PendingWrites(settings, JsonMapper.builder().build(), meters);
    }

    private List<Path> spooled() throws IOException {
        try (var files = Files.list(spool)) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        }
    }
}
