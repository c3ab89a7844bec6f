package com.helloyuno.analytics;

/** Without {@code MIXPANEL_TOKEN}: events go nowhere. */
final class NoAnalytics implements Analytics {

    @Override
    public void track(AnalyticsEvent event) {
        // Nothing leaves the instance.
    }
}
