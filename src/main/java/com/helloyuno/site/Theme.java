package com.helloyuno.site;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The widget's colour themes, as in the original design. */
public enum Theme {
    DARK,
    LIGHT,
    BLUE,
    GREEN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Theme fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
