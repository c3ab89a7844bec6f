package com.helloyuno.notify;

import com.helloyuno.site.SiteService;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The front door of notifications for other features: a lead's writer hands its event here, in
 * the transaction that wrote the lead, and it waits in the outbox for the {@code DeliveryWorker}:
 * one row for the site's webhook, one for its notification address, as the site is configured
 * now. The event's id makes a replayed write add nothing.
 */
@Service
public class Notifications {

    private static final Logger log = LoggerFactory.getLogger(Notifications.class);
    static final String TEST_EVENT = "webhook.test";

    private final Outbox outbox;
    private final SiteService sites;
    private final NotifySettings settings;
    private final LeadMailer mail;
    private final JsonMapper json;
    private final Clock clock;
    private final AtomicBoolean mailWarned = new AtomicBoolean();

    Notifications(
            Outbox outbox, SiteService sites, NotifySettings settings, LeadMailer mail, JsonMapper json, Clock clock) {
        this.outbox = outbox;
        this.sites = sites;
        this.settings = settings;
        this.mail = mail;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Adds the event to the outbox for each channel the site has, in the caller's transaction: call
     * it in the transaction that wrote the lead, so that both are written or neither is.
     */
    public void enqueue(LeadEvent event) {
        var site = sites.cached(event.siteId());
        if (site.isEmpty()) {
            return;
        }
        var config = site.get().customConfig();
        if (config.leadWebhookUrl() == null && config.leadNotificationEmail() == null) {
            return;
        }
        var payload = json.writeValueAsString(payload(event));
        var retryFor = settings.delivery().retryFor();
        if (config.leadWebhookUrl() != null) {
            outbox.insert(
                    event.eventId(),
                    Channel.WEBHOOK,
                    event.siteId(),
                    event.type().wireName(),
                    payload,
                    retryFor);
        }
        if (config.leadNotificationEmail() != null) {
            if (mail.configured()) {
                outbox.insert(
                        event.eventId(),
                        Channel.EMAIL,
                        event.siteId(),
                        event.type().wireName(),
                        payload,
                        retryFor);
            } else if (mailWarned.compareAndSet(false, true)) {
                log.warn("A site has a lead notification address, but no mail server or YUNO_MAIL_FROM is"
                        + " configured: lead e-mails are not sent");
            }
        }
    }

    /** Queues a {@code webhook.test} event for the site's webhook; empty when it has no webhook URL. */
    Optional<UUID> enqueueTest(String siteId) {
        var site = sites.cached(siteId);
        if (site.isEmpty() || site.get().customConfig().leadWebhookUrl() == null) {
            return Optional.empty();
        }
        var eventId = UUID.randomUUID();
        var event = json.createObjectNode();
        event.put("id", eventId.toString());
        event.put("type", TEST_EVENT);
        event.put("created_at", clock.instant().toString());
        event.put("site_id", siteId);
        event.putObject("data").put("message", "A test event from Yuno: your webhook receives and verifies events.");
        return outbox.insert(
                eventId,
                Channel.WEBHOOK,
                siteId,
                TEST_EVENT,
                json.writeValueAsString(event),
                settings.delivery().retryFor());
    }

    private ObjectNode payload(LeadEvent event) {
        var root = json.createObjectNode();
        root.put("id", event.eventId().toString());
        root.put("type", event.type().wireName());
        root.put("created_at", clock.instant().toString());
        root.put("site_id", event.siteId());
        var data = root.putObject("data");
        var lead = data.putObject("lead");
        lead.put("lead_id", event.leadId().toString());
        putNullable(lead, "session_id", event.sessionId());
        putNullable(lead, "name", event.name());
        putNullable(lead, "email", event.email());
        putNullable(lead, "phone", event.phone());
        putNullable(lead, "message", event.message());
        putNullable(lead, "intent", event.intent());
        lead.put("source", event.source());
        lead.put("created_at", event.createdAt().toString());
        lead.put("updated_at", event.updatedAt().toString());
        putNullable(data, "question", event.question());
        putNullable(data, "conversation_url", conversationUrl(event));
        return root;
    }

    private @Nullable String conversationUrl(LeadEvent event) {
        if (event.sessionId() == null) {
            return null;
        }
        var path = "/api/sites/" + event.siteId() + "/conversations/" + event.sessionId();
        var text = settings.publicBaseUrl();
        if (text == null || text.isBlank()) {
            return path;
        }
        return (text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path;
    }

    private static void putNullable(ObjectNode node, String name, @Nullable String value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }
}
