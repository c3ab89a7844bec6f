package com.helloyuno.notify;

import com.helloyuno.analytics.AnalyticsEvent;
import java.util.Locale;

/** Where an outbox row goes. */
enum Channel {
    WEBHOOK,
    EMAIL;

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Channel fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    AnalyticsEvent.DeliveryChannel analytics() {
        return this == WEBHOOK ? AnalyticsEvent.DeliveryChannel.WEBHOOK : AnalyticsEvent.DeliveryChannel.EMAIL;
    }
}
