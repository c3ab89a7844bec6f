package com.helloyuno.analytics;

/**
 * Product analytics. {@link #track} never blocks and never throws: it hands the event to a
 * bounded buffer that is sent to Mixpanel in batches on a thread of its own, and drops it (and
 * counts the drop in {@code yuno.analytics.events{outcome=dropped}}) when the buffer is full.
 * Without {@code MIXPANEL_TOKEN} it does nothing.
 */
public interface Analytics {

    void track(AnalyticsEvent event);
}
