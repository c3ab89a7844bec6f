package com.helloyuno.spool;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The id this instance's database gave itself ({@code database_identity}, made by its first
 * migration run). Every spool entry carries it, so that a spool folder shared by mistake, or
 * carried to an instance of another database, is never written into the wrong one. Read at
 * start, when PostgreSQL answers (it must, for the migrations), and kept.
 */
@Component
class DatabaseIdentity {

    private final Supplier<String> reader;
    private final AtomicReference<String> id = new AtomicReference<>();

    @Autowired
    DatabaseIdentity(JdbcClient jdbc) {
        this(() -> jdbc.sql("SELECT id::text FROM database_identity")
                .query(String.class)
                .single());
    }

    DatabaseIdentity(Supplier<String> reader) {
        this.reader = reader;
    }

    /**
     * The id, as last read: never a query, so that spooling during an outage does not wait for a
     * connection. Empty only when PostgreSQL has not answered since this instance started.
     */
    Optional<String> current() {
        return Optional.ofNullable(id.get());
    }

    /** Reads the id if it is not known yet: at start (Flyway has just run), and before a drain. */
    Optional<String> load() {
        var known = id.get();
        if (known != null) {
            return Optional.of(known);
        }
        try {
            var read = reader.get();
            id.compareAndSet(null, read);
            return Optional.of(read);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
