package com.helloyuno.plan;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The plans a site can be on; their JSON and database names are lower case. */
public enum PlanType {
    FREE,
    BASIC,
    PRO,
    ENTERPRISE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The plan with this wire name, or {@code null} for an unknown name. */
    public static PlanType fromWireName(String name) {
        for (var plan : values()) {
            if (plan.wireName().equals(name)) {
                return plan;
            }
        }
        return null;
    }
}
