package com.helloyuno.lead;

import com.helloyuno.analytics.Analytics;
import com.helloyuno.analytics.AnalyticsEvent;
import com.helloyuno.id.Ids;
import com.helloyuno.notify.LeadEvent;
import com.helloyuno.notify.Notifications;
import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.spool.Spool;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The front door of leads for other features: the widget's form, the leads found in a
 * conversation, and erasing a visitor's leads. Both kinds of lead are written through the {@link
 * Spool}, so a PostgreSQL outage delays them and loses none. A lead created or changed is handed
 * to {@link Notifications} in the same transaction, so that its owner hears of it exactly when it
 * is written, after an outage too. Logs say which lead and site, never who.
 */
@Service
public class LeadService {

    private static final Logger log = LoggerFactory.getLogger(LeadService.class);
    /** Spool kinds; "lead" is the name chat leads were spooled under before form leads were. */
    static final String CHAT_LEAD = "lead";

    static final String FORM_LEAD = "lead-form";

    /**
     * A lead found in a conversation, as it waits in the spool.
     *
     * @param writeId names the write, so that its event has the same id when it is replayed; null in
     *     writes spooled before it existed
     * @param message the visitor's message that carried the contact details
     */
    record ChatLeadWrite(
            String siteId,
            String sessionId,
            ChatLead lead,
            @Nullable UUID writeId,
            @Nullable String message) {

        @Override
        public String toString() {
            return "ChatLeadWrite[siteId=" + siteId + ", writeId=" + writeId + "]";
        }
    }

    /** A checked form lead, as it waits in the spool; its id is chosen before it is written. */
    record FormLeadWrite(
            UUID leadId,
            String siteId,
            @Nullable String sessionId,
            @Nullable String name,
            @Nullable String email,
            @Nullable String phone,
            @Nullable String message) {

        @Override
        public String toString() {
            return "FormLeadWrite[leadId=" + leadId + ", siteId=" + siteId + "]";
        }
    }

    /**
     * What became of a form lead.
     *
     * @param leadId the lead's id; with a session that already had a lead, that lead's id once written
     * @param outcome written now, or kept to be written later ({@link Spool.Outcome})
     */
    public record FormLeadReceipt(UUID leadId, Spool.Outcome outcome) {}

    private final Leads leads;
    private final LeadExtractor extractor;
    private final LeadSettings settings;
    private final Spool spool;
    private final Notifications notifications;
    private final TransactionTemplate transactions;

    LeadService(
            Leads leads,
            LeadExtractor extractor,
            LeadSettings settings,
            Spool spool,
            Analytics analytics,
            Notifications notifications,
            TransactionTemplate transactions) {
        this.leads = leads;
        this.extractor = extractor;
        this.settings = settings;
        this.spool = spool;
        this.notifications = notifications;
        this.transactions = transactions;
        spool.register(CHAT_LEAD, ChatLeadWrite.class, write -> {
            var captured = captureFromChat(write);
            if (captured != null && captured.changed()) {
                analytics.track(new AnalyticsEvent.LeadCaptured(
                        write.siteId(), write.sessionId(), AnalyticsEvent.LeadCaptured.Channel.CHAT));
            }
        });
        spool.register(FORM_LEAD, FormLeadWrite.class, write -> {
            transactions.executeWithoutResult(tx -> leads.insertFormLead(
                            write.leadId(),
                            write.siteId(),
                            write.sessionId(),
                            write.name(),
                            write.email(),
                            write.phone(),
                            write.message())
                    .ifPresent(written -> notify(eventId(FORM_LEAD, write.leadId()), written, write.message())));
            log.info("Form lead {} stored for site {}", write.leadId(), write.siteId());
        });
    }

    /**
     * The event of a spooled write: derived from the write's own id, so that a replay of the write
     * (after a crash between the insert and the removal of its file) names the same event, which
     * the outbox holds once.
     */
    private static UUID eventId(String kind, @Nullable UUID writeId) {
        if (writeId == null) {
            return UUID.randomUUID();
        }
        return UUID.nameUUIDFromBytes((kind + ":" + writeId).getBytes(StandardCharsets.UTF_8));
    }

    /** Hands the lead as it now is to the notifications, in the transaction that wrote it. */
    private void notify(UUID eventId, Leads.Written written, @Nullable String question) {
        leads.find(written.id())
                .ifPresent(lead -> notifications.enqueue(new LeadEvent(
                        eventId,
                        written.created() ? LeadEvent.Type.CREATED : LeadEvent.Type.UPDATED,
                        lead.siteId(),
                        lead.leadId(),
                        lead.sessionId(),
                        lead.name(),
                        lead.email(),
                        lead.phone(),
                        lead.message(),
                        lead.intent(),
                        lead.source(),
                        question,
                        lead.createdAt(),
                        lead.updatedAt())));
    }

    /**
     * Stores what a visitor sent through the widget's lead form, after the contract's checks: an
     * email or a phone is required, the email must be valid, the phone is stored in E.164 form
     * (read in {@code yuno.leads.default-region} when it has no {@code +} country code), the name
     * and message have length limits. With a session id it completes that session's lead. While
     * PostgreSQL is away the lead waits in the spool and is written when it is back.
     *
     * @throws InvalidRequest naming the offending field
     */
    public FormLeadReceipt submitForm(String siteId, LeadForm form) {
        var sessionId = blankToNull(form.sessionId());
        if (sessionId != null && !Ids.isSessionId(sessionId)) {
            throw new InvalidRequest("session_id", Ids.SESSION_ID_RULE);
        }
        var rawEmail = blankToNull(form.email());
        var rawPhone = blankToNull(form.phone());
        if (rawEmail == null && rawPhone == null) {
            throw new InvalidRequest("email", "an email or a phone number is required");
        }
        String email = null;
        if (rawEmail != null) {
            email = extractor
                    .email(rawEmail)
                    .orElseThrow(() -> new InvalidRequest("email", "must be a valid email address"));
        }
        String phone = null;
        if (rawPhone != null) {
            phone = extractor
                    .phone(rawPhone, settings.defaultRegion())
                    .orElseThrow(() -> new InvalidRequest(
                            "phone", "must be a valid phone number, with its country code such as +44"));
        }
        var name = blankToNull(form.name());
        if (name != null) {
            name = name.replaceAll("\\s+", " ");
            if (name.length() > settings.maxNameLength()) {
                throw new InvalidRequest("name", "must be at most " + settings.maxNameLength() + " characters");
            }
        }
        var message = blankToNull(form.message());
        if (message != null && message.length() > settings.maxMessageLength()) {
            throw new InvalidRequest("message", "must be at most " + settings.maxMessageLength() + " characters");
        }
        var id = UUID.randomUUID();
        var outcome = spool.submit(FORM_LEAD, new FormLeadWrite(id, siteId, sessionId, name, email, phone, message));
        if (outcome == Spool.Outcome.WRITTEN && sessionId != null) {
            // It may have completed the session's existing lead, whose id the visitor's page knows.
            try {
                id = leads.findId(siteId, sessionId).orElse(id);
            } catch (RuntimeException e) {
                log.warn(
                        "Could not read back the id of a session's lead ({})",
                        e.getClass().getSimpleName());
            }
        }
        return new FormLeadReceipt(id, outcome);
    }

    /**
     * Hands a lead found in a conversation to the spool, which writes it now or, while PostgreSQL
     * is away, when it is back ({@link #captureFromChat}), with the visitor's message that carried
     * the contact details, if known, kept as the lead's message (cut to {@code
     * yuno.leads.max-message-length}) and sent with its event.
     */
    public Spool.Outcome submitFromChat(String siteId, String sessionId, ChatLead lead, @Nullable String message) {
        var stripped = message == null ? "" : message.strip();
        var kept = stripped.isEmpty()
                ? null
                : stripped.substring(0, Math.min(stripped.length(), settings.maxMessageLength()));
        return spool.submit(CHAT_LEAD, new ChatLeadWrite(siteId, sessionId, lead, UUID.randomUUID(), kept));
    }

    /**
     * Creates or completes the session's lead with what a conversation revealed ({@link
     * LeadExtractor#extract}): new details replace old ones, details not given again are kept.
     * Null when the site no longer exists (deleted while the lead waited in the spool).
     */
    @Nullable
    CapturedLead captureFromChat(String siteId, String sessionId, ChatLead lead) {
        return captureFromChat(new ChatLeadWrite(siteId, sessionId, lead, null, null));
    }

    /** As above, in one transaction with the lead's event, when the lead was created or changed. */
    @Nullable
    private CapturedLead captureFromChat(ChatLeadWrite write) {
        return transactions.execute(tx -> {
            var siteId = write.siteId();
            var sessionId = write.sessionId();
            var changed = leads.upsertChatLead(siteId, sessionId, write.lead(), write.message());
            if (changed.isEmpty()) {
                // Nothing new; the row may only be gone if the session was erased meanwhile: then store it anew.
                var existing = leads.findId(siteId, sessionId);
                if (existing.isPresent()) {
                    return new CapturedLead(existing.get(), false);
                }
                changed = leads.upsertChatLead(siteId, sessionId, write.lead(), write.message());
                if (changed.isEmpty()) {
                    return null;
                }
            }
            log.info(
                    "Lead {} captured from a conversation on site {}",
                    changed.get().id(),
                    siteId);
            notify(eventId(CHAT_LEAD, write.writeId()), changed.get(), write.message());
            return new CapturedLead(changed.get().id(), true);
        });
    }

    /** Erases the leads of one visitor session; how many there were. */
    public int eraseSession(String siteId, String sessionId) {
        var deleted = leads.deleteSession(siteId, sessionId);
        if (deleted > 0) {
            log.info("Erased {} lead(s) of a session on site {}", deleted, siteId);
        }
        return deleted;
    }

    /** Which of these visitor sessions of a site left a lead, for the owner's conversation list. */
    public Set<String> sessionsWithLeads(String siteId, Collection<String> sessionIds) {
        return leads.sessionsWithLeads(siteId, sessionIds);
    }

    List<Lead> page(String siteId, int page, int size) {
        return leads.page(siteId, page, size);
    }

    List<Lead> batchAfter(String siteId, @Nullable Lead after, int size) {
        return leads.batchAfter(siteId, after, size);
    }

    long count(String siteId) {
        return leads.count(siteId);
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
