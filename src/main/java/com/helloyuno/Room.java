package com.helloyuno;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A feature package's front door, on its {@code package-info.java}: the types other packages may
 * use. Everything else in the package is its own business, whatever Java's visibility allows.
 * {@code ArchitectureTests} fails when another package uses a type that is not listed here.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PACKAGE)
public @interface Room {

    /** The types (with their nested types) other packages may use. */
    Class<?>[] entryPoints();
}
