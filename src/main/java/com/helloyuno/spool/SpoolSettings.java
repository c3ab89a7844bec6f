package com.helloyuno.spool;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the spool.
 *
 * @param directory where writes wait while PostgreSQL is unavailable; put it on a persistent
 *     volume. Quarantined writes go to its {@code quarantine} folder.
 * @param maxEntries writes that may wait; beyond, new writes are dropped, logged and counted
 * @param retryInterval how often waiting writes are retried, and the folder looked at for
 *     writes an operator put back
 * @param maxConcurrentWrites writes sent to PostgreSQL at once (each holds a pooled connection),
 *     so that a burst of finished chats cannot take the connections that visitors' retrieval needs
 * @param writeWait how long a write waits for its turn before it goes to the spool instead
 * @param maxBatch writes of a batched kind (a turn's history) sent in one statement at most: the
 *     writes that wait for a slot at the same time, and spooled ones when they are drained
 */
@Validated
@ConfigurationProperties("yuno.spool")
record SpoolSettings(
        @NotNull @DefaultValue(".yuno/spool") Path directory,
        @Min(1) @DefaultValue("100000") int maxEntries,
        @NotNull @DefaultValue("5s") Duration retryInterval,
        @Min(1) @DefaultValue("3") int maxConcurrentWrites,
        @NotNull @DefaultValue("5s") Duration writeWait,
        @Min(1) @DefaultValue("100") int maxBatch) {

    Path quarantine() {
        return directory.resolve("quarantine");
    }
}
