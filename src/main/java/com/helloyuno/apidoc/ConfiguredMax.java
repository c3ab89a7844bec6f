package com.helloyuno.apidoc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The upper bound of this parameter or property is a setting, not a constant: the description
 * shows the value the running instance was configured with (as {@code maximum}, {@code maxLength}
 * or {@code maxItems}, by the schema's type), so that it cannot say 100 where the server refuses
 * 21. The check itself stays where it is, with the setting it reads.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
public @interface ConfiguredMax {

    /** The setting's name as written in application.yaml, e.g. {@code yuno.chat.max-page-size}. */
    String value();
}
