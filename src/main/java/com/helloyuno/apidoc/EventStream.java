package com.helloyuno.apidoc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The operation answers {@code 200 text/event-stream} with these events. OpenAPI 3.1 has no
 * keyword for the items of a stream (3.2's {@code itemSchema}), so the description gives the
 * stream as a string with an example and lists each event's {@code data} schema under {@code
 * x-sse-events}, which the contract tests use to check every event a real stream sends.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface EventStream {

    /** The events, in the order a stream sends them. */
    Event[] value();

    /** What the stream says, as description. */
    String description();

    /** A whole stream as it is sent. */
    String example();

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({})
    @interface Event {

        /** The {@code event:} field. */
        String name();

        /** The type whose JSON is the {@code data:} field. */
        Class<?> data();

        String description();
    }
}
