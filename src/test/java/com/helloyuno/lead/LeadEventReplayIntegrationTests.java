package com.helloyuno.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.spool.Spool;
import com.helloyuno.testsupport.Http;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A spooled write may be applied twice (a crash between the insert and the removal of its file):
 * its lead event is in the outbox once. A lead written with nothing new adds no event, and a site
 * without a webhook or a notification address gets no outbox row at all.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.llm.openai-api-key=",
            "yuno.notify.webhooks.allow-http=true",
            "yuno.notify.webhooks.allow-private-addresses=true",
            "yuno.notify.delivery.poll-interval=100ms",
            "yuno.notify.delivery.initial-backoff=200ms",
            "yuno.notify.delivery.max-backoff=5s",
            "yuno.notify.delivery.jitter=0",
            "yuno.notify.public-base-url=https://yuno.example.com/"
        })
class LeadEventReplayIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    Spool spool;

    @Autowired
    JdbcClient jdbc;

    private String site(boolean hooked) {
        var api = new SiteApi(new Http(port), SiteApi.OPERATOR_KEY);
        var domain = "replay-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        // Nothing listens on the discard port: deliveries only wait to be retried, which is all right here.
        return hooked
                ? api.create(Map.of(
                                "domain",
                                domain,
                                "custom_config",
                                Map.of("lead_webhook_url", "http://127.0.0.1:9/hook")))
                        .siteId()
                : api.create(domain).siteId();
    }

    private long events(String siteId, String type) {
        return jdbc.sql("SELECT count(*) FROM outbox WHERE site_id = ? AND event_type = ?")
                .params(siteId, type)
                .query(Long.class)
                .single();
    }

    @Test
    void aReplayedFormWriteAddsNoSecondEvent() {
        var siteId = site(true);
        var write = new LeadService.FormLeadWrite(
                UUID.randomUUID(), siteId, "s-1", "Ada", "ada@example.com", null, "Hello");
        assertThat(spool.submit(LeadService.FORM_LEAD, write)).isEqualTo(Spool.Outcome.WRITTEN);
        assertThat(spool.submit(LeadService.FORM_LEAD, write)).isEqualTo(Spool.Outcome.WRITTEN);
        assertThat(events(siteId, "lead.created")).isEqualTo(1);
        assertThat(events(siteId, "lead.updated")).isZero();

        // Another form on the same session is another event: the lead was updated.
        var second =
                new LeadService.FormLeadWrite(UUID.randomUUID(), siteId, "s-1", null, "ada@work.example", null, null);
        spool.submit(LeadService.FORM_LEAD, second);
        assertThat(events(siteId, "lead.updated")).isEqualTo(1);
    }

    @Test
    void aReplayedChatWriteAddsNoSecondEventAndNothingNewAddsNone() {
        var siteId = site(true);
        var write = new LeadService.ChatLeadWrite(
                siteId,
                "s-chat",
                new ChatLead(null, "grace@example.com", null, null),
                UUID.randomUUID(),
                "mail me at grace@example.com");
        spool.submit(LeadService.CHAT_LEAD, write);
        spool.submit(LeadService.CHAT_LEAD, write);
        // The same details from a later turn: nothing changed, no event.
        spool.submit(
                LeadService.CHAT_LEAD,
                new LeadService.ChatLeadWrite(
                        siteId,
                        "s-chat",
                        new ChatLead(null, "grace@example.com", null, null),
                        UUID.randomUUID(),
                        "again"));
        assertThat(events(siteId, "lead.created")).isEqualTo(1);
        assertThat(events(siteId, "lead.updated")).isZero();
        assertThat(jdbc.sql("SELECT message FROM leads WHERE site_id = ? AND session_id = 's-chat'")
                        .param(siteId)
                        .query(String.class)
                        .single())
                .isEqualTo("mail me at grace@example.com");
    }

    @Test
    void aSiteWithNowhereToSendLeadsGetsNoOutboxRows() {
        var siteId = site(false);
        spool.submit(
                LeadService.FORM_LEAD,
                new LeadService.FormLeadWrite(UUID.randomUUID(), siteId, null, null, "a@example.com", null, null));
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE site_id = ?")
                        .param(siteId)
                        .query(Long.class)
                        .single())
                .isZero();
    }
}
