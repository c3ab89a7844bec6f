package com.helloyuno.lead;

import com.helloyuno.problem.InvalidRequest;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The front door of leads for other features: the widget's form, the leads found in a
 * conversation, and erasing a visitor's leads. Logs say which lead and site, never who.
 */
@Service
public class LeadService {

    private static final Logger log = LoggerFactory.getLogger(LeadService.class);
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Leads leads;
    private final LeadExtractor extractor;
    private final LeadSettings settings;

    LeadService(Leads leads, LeadExtractor extractor, LeadSettings settings) {
        this.leads = leads;
        this.extractor = extractor;
        this.settings = settings;
    }

    /**
     * Stores what a visitor sent through the widget's lead form, after the contract's checks: an
     * email or a phone is required, the email must be valid, the phone is stored in E.164 form
     * (read in {@code yuno.leads.default-region} when it has no {@code +} country code), the name
     * and message have length limits. With a session id it completes that session's lead.
     *
     * @return the id of the lead
     * @throws InvalidRequest naming the offending field
     */
    public UUID submitForm(String siteId, LeadForm form) {
        var sessionId = blankToNull(form.sessionId());
        if (sessionId != null && !SESSION_ID.matcher(sessionId).matches()) {
            throw new InvalidRequest("session_id", "must be 1 to 64 letters, digits, '_' or '-'");
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
        var id = leads.insertFormLead(siteId, sessionId, name, email, phone, message);
        log.info("Form lead {} stored for site {}", id, siteId);
        return id;
    }

    /**
     * Creates or completes the session's lead with what a conversation revealed ({@link
     * LeadExtractor#extract}): new details replace old ones, details not given again are kept.
     */
    public CapturedLead captureFromChat(String siteId, String sessionId, ChatLead lead) {
        var changed = leads.upsertChatLead(siteId, sessionId, lead);
        if (changed.isPresent()) {
            log.info("Lead {} captured from a conversation on site {}", changed.get(), siteId);
            return new CapturedLead(changed.get(), true);
        }
        // Nothing new; the row may only be gone if the session was erased meanwhile: then store it anew.
        return leads.findId(siteId, sessionId)
                .map(id -> new CapturedLead(id, false))
                .orElseGet(() -> new CapturedLead(
                        leads.upsertChatLead(siteId, sessionId, lead).orElseThrow(), true));
    }

    /** Erases the leads of one visitor session; how many there were. */
    public int eraseSession(String siteId, String sessionId) {
        var deleted = leads.deleteSession(siteId, sessionId);
        if (deleted > 0) {
            log.info("Erased {} lead(s) of a session on site {}", deleted, siteId);
        }
        return deleted;
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
