package com.helloyuno.site;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where the widget's launcher sits on the page. */
public enum WidgetPosition {
    BOTTOM_RIGHT("bottom-right"),
    BOTTOM_LEFT("bottom-left");

    private final String wireName;

    WidgetPosition(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
