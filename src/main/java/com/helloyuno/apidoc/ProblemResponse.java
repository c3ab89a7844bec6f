package com.helloyuno.apidoc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A refusal that this operation itself can answer with, beyond those every operation of its kind
 * can ({@link ApiDocCustomizer} adds those: 400 {@code invalid_request}, 401 and 403 of its
 * credentials, 404 {@code site_not_found} under a site, 413 and 415 for bodies, 500, 503). The
 * description lists it as a problem document whose {@code code} is one of {@link #codes()}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(ProblemResponse.List.class)
public @interface ProblemResponse {

    int status();

    /** The problem documents' {@code code} values at this status. */
    String[] codes();

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {
        ProblemResponse[] value();
    }
}
