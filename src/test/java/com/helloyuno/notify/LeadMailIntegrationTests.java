package com.helloyuno.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Leads are mailed to the site's notification address through a real SMTP server (GreenMail, in
 * the tests' JVM), with the lead's fields in a plain text and an HTML part; what a visitor wrote
 * cannot add a header.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.llm.openai-api-key=",
            "spring.mail.host=127.0.0.1",
            "yuno.notify.mail.from=Yuno <leads@yuno.test>",
            "yuno.notify.delivery.poll-interval=100ms"
        })
class LeadMailIntegrationTests {

    static final GreenMail smtp = start();

    @LocalServerPort
    int port;

    @Autowired
    Notifications notifications;

    @Autowired
    TransactionTemplate transactions;

    private static GreenMail start() {
        int free;
        try (var socket = new ServerSocket(0)) {
            free = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var mail = new GreenMail(new ServerSetup(free, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        return mail;
    }

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.port", () -> smtp.getSmtp().getPort());
    }

    @AfterAll
    static void stop() {
        smtp.stop();
    }

    private SiteApi.Created site(String domain, String inbox) {
        return new SiteApi(new Http(port), SiteApi.OPERATOR_KEY)
                .create(Map.of(
                        "domain",
                        domain,
                        "plan_type",
                        "enterprise",
                        "custom_config",
                        Map.of("lead_notification_email", inbox)));
    }

    private List<MimeMessage> to(String address) throws Exception {
        var found = new java.util.ArrayList<MimeMessage>();
        for (var message : smtp.getReceivedMessages()) {
            for (var recipient : message.getAllRecipients()) {
                if (recipient.toString().equalsIgnoreCase(address)) {
                    found.add(message);
                }
            }
        }
        return found;
    }

    @Test
    void aFormLeadArrivesInTheOwnersInboxWithItsFields() throws Exception {
        var domain = "mail-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        var inbox = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        var created = site(domain, inbox);
        var http = new Http(port);
        var token = http.post(
                        "/widget/authenticate",
                        Http.json(Map.of(
                                "site_id", created.siteId(), "domain", domain, "nonce", "nonce-" + UUID.randomUUID())),
                        "Content-Type",
                        "application/json")
                .json()
                .path("token")
                .asString();
        var lead = http.post(
                "/widget/leads",
                Http.json(Map.of(
                        "session_id",
                        "s-1",
                        "name",
                        "Ada Lovelace",
                        "email",
                        "ada@example.com",
                        "phone",
                        "+44 20 7946 0958",
                        "message",
                        "Please send <b>prices</b>")),
                "Authorization",
                "Bearer " + token,
                "Content-Type",
                "application/json");
        assertThat(lead.status()).as(lead.body()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(20)).until(() -> !to(inbox).isEmpty());
        var message = to(inbox).getFirst();
        assertThat(message.getSubject()).isEqualTo("[Yuno] New lead on " + domain);
        assertThat(message.getFrom()[0].toString()).contains("leads@yuno.test");
        var raw = GreenMailUtil.getWholeMessage(message);
        assertThat(raw).contains("multipart/alternative").contains("text/plain").contains("text/html");
        var body = GreenMailUtil.getBody(message);
        assertThat(body).contains("Ada Lovelace", "ada@example.com", "+442079460958");
        // The visitor's markup is text in the HTML part.
        assertThat(raw).contains("&lt;b&gt;prices&lt;/b&gt;").doesNotContain("<b>prices</b></td>");

        var deliveries = http.get(
                "/api/sites/" + created.siteId() + "/deliveries", "Authorization", "Bearer " + created.ownerKey());
        var item = deliveries.json().path("items").get(0);
        assertThat(item.path("channel").asString()).isEqualTo("email");
        assertThat(item.path("status").asString()).isEqualTo("delivered");
    }

    @Test
    void aNameWithLineBreaksCannotAddHeaders() throws Exception {
        var domain = "inject-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        var inbox = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        var created = site(domain, inbox);
        var evil = "Eve\r\nBcc: thief@evil.example\r\nX-Injected: yes\r\n\r\nfake body";
        var now = Instant.now();
        // The event as a lead's writer hands it over, with a name no check of ours would let through.
        transactions.executeWithoutResult(tx -> notifications.enqueue(new LeadEvent(
                UUID.randomUUID(),
                LeadEvent.Type.CREATED,
                created.siteId(),
                UUID.randomUUID(),
                "s-evil",
                evil,
                "eve@example.com\r\nCc: thief@evil.example",
                null,
                evil,
                null,
                "chat",
                evil,
                now,
                now)));

        await().atMost(Duration.ofSeconds(20)).until(() -> !to(inbox).isEmpty());
        Thread.sleep(500);
        assertThat(smtp.getReceivedMessagesForDomain("evil.example")).isEmpty();
        var message = to(inbox).getFirst();
        assertThat(message.getAllRecipients()).hasSize(1);
        assertThat(message.getRecipients(Message.RecipientType.BCC)).isNull();
        assertThat(message.getHeader("X-Injected")).isNull();
        assertThat(message.getSubject()).isEqualTo("[Yuno] New lead on " + domain);
        var headerNames = Collections.list(message.getAllHeaders()).stream()
                .map(h -> h.getName().toLowerCase())
                .toList();
        assertThat(headerNames).doesNotContain("bcc", "x-injected", "cc");
        assertThat(GreenMailUtil.getBody(message)).contains("Eve");
    }
}
