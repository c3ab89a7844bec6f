/**
 * Product analytics: a port with a Mixpanel adapter (asynchronous, batched, bounded) and a no-op
 * adapter. Never message text, emails, phones or IPs; visitors are hashed ids.
 */
@Room(entryPoints = {Analytics.class, AnalyticsEvent.class})
@NullMarked
package com.helloyuno.analytics;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
