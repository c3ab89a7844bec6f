/**
 * Lead notifications: the events that tell a site's owner of a new or enriched lead, kept in the
 * {@code outbox} table in the same transaction as the lead ({@link
 * com.helloyuno.notify.Notifications#enqueue}), and delivered at least once by the {@code
 * DeliveryWorker} of any instance as signed webhooks and as e-mails; the owners' view of the
 * deliveries under {@code /api/sites/{site_id}/deliveries}. Events carry personal data: they are
 * never logged, only their ids.
 */
@Room(entryPoints = {LeadEvent.class, Notifications.class})
@NullMarked
package com.helloyuno.notify;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
