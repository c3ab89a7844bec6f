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
 * carried to an instance of another database, is never written into the wrong one. Read once,
 * when PostgreSQL first answers.
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

    /** The id, or empty while PostgreSQL has not answered since this instance started. */
    Optional<String> current() {
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
