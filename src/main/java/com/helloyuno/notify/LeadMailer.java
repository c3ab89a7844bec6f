package com.helloyuno.notify;

import jakarta.mail.MessagingException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mails one lead event to a site's notification address through Spring Boot's mail sender
 * ({@code spring.mail.*}): plain text and a small HTML part. Every header is ours: the sender is
 * {@code YUNO_MAIL_FROM}, the recipient the owner's address, and the subject names the site's
 * domain only; what the visitor wrote appears in the body alone, escaped in the HTML part, so no
 * line break of theirs can add a header.
 */
@Component
class LeadMailer {

    private final @Nullable JavaMailSender mail;
    private final NotifySettings.Mail settings;
    private final JsonMapper json;

    LeadMailer(ObjectProvider<JavaMailSender> mail, NotifySettings settings, JsonMapper json) {
        this.mail = mail.getIfAvailable();
        this.settings = settings.mail();
        this.json = json;
    }

    /** Whether lead e-mails can be sent: a mail server and a sender address are configured. */
    boolean configured() {
        return mail != null && settings.configured();
    }

    Attempted send(String to, String domain, String payload) {
        if (mail == null || !settings.configured()) {
            return Attempted.giveUp(null, "no mail server is configured");
        }
        var event = json.readTree(payload);
        var lead = event.path("data").path("lead");
        var updated = "lead.updated".equals(event.path("type").asString(""));
        var subject = settings.subjectPrefix() + (updated ? " Lead updated on " : " New lead on ") + domain;
        try {
            var message = mail.createMimeMessage();
            var helper = new MimeMessageHelper(message, true, StandardCharsets.UTF_8.name());
            helper.setFrom(settings.from());
            helper.setTo(to);
            helper.setSubject(subject);
            helper.setText(text(event, lead, domain), html(event, lead, domain));
            message.setHeader("X-Yuno-Event-Id", event.path("id").asString(""));
            mail.send(message);
            return new Attempted(Attempted.Verdict.DELIVERED, null, null, null);
        } catch (MessagingException | MailParseException | MailPreparationException | IllegalArgumentException e) {
            return Attempted.giveUp(
                    null, "the e-mail could not be made (" + e.getClass().getSimpleName() + ")");
        } catch (MailException e) {
            return Attempted.retry(
                    null,
                    "the mail server did not take the e-mail (" + e.getClass().getSimpleName() + ")",
                    null);
        }
    }

    private static String[][] fields(JsonNode event, JsonNode lead) {
        return new String[][] {
            {"Name", text(lead, "name")},
            {"Email", text(lead, "email")},
            {"Phone", text(lead, "phone")},
            {"Intent", text(lead, "intent")},
            {"Message", text(lead, "message")},
            {"Question", text(event.path("data"), "question")},
            {"Source", text(lead, "source")},
            {"Conversation", text(event.path("data"), "conversation_url")},
            {"Lead id", text(lead, "lead_id")},
        };
    }

    private static String text(JsonNode event, JsonNode lead, String domain) {
        var out = new StringBuilder("A visitor of " + domain + " left their contact details.\n\n");
        for (var field : fields(event, lead)) {
            if (!field[1].isEmpty()) {
                out.append(field[0]).append(": ").append(field[1]).append('\n');
            }
        }
        return out.toString();
    }

    private static String html(JsonNode event, JsonNode lead, String domain) {
        var out = new StringBuilder(
                "<p>A visitor of " + HtmlUtils.htmlEscape(domain) + " left their contact details.</p>\n<table>\n");
        for (var field : fields(event, lead)) {
            if (!field[1].isEmpty()) {
                out.append("<tr><th align=\"left\">")
                        .append(field[0])
                        .append("</th><td>")
                        .append(HtmlUtils.htmlEscape(field[1]).replace("\n", "<br>"))
                        .append("</td></tr>\n");
            }
        }
        return out.append("</table>\n").toString();
    }

    private static String text(JsonNode node, String field) {
        var value = node.path(field);
        return value.isNull() || value.isMissingNode() ? "" : value.asString("");
    }
}
