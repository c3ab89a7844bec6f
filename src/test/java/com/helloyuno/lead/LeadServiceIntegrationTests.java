package com.helloyuno.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.site.SiteApi;
import com.helloyuno.site.SiteApi.Created;
import com.helloyuno.testsupport.Http;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Leads stored in a real PostgreSQL: the session's lead merged turn by turn, and the form. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY)
class LeadServiceIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    LeadService leads;

    @Autowired
    JdbcClient jdbc;

    Created site;

    @BeforeEach
    void site() {
        site = new SiteApi(new Http(port), SiteApi.OPERATOR_KEY).create("leads-" + UUID.randomUUID() + ".example.com");
    }

    @Test
    void aSessionsLeadIsMergedTurnByTurn() {
        var first =
                leads.captureFromChat(site.siteId(), "s-1", new ChatLead(null, "jane@example.com", null, "pricing"));
        assertThat(first.changed()).isTrue();

        var again = leads.captureFromChat(site.siteId(), "s-1", new ChatLead(null, "jane@example.com", null, null));
        assertThat(again).isEqualTo(new com.helloyuno.lead.CapturedLead(first.leadId(), false));

        var more = leads.captureFromChat(site.siteId(), "s-1", new ChatLead("Jane Doe", null, "+14155552671", null));
        assertThat(more).isEqualTo(new com.helloyuno.lead.CapturedLead(first.leadId(), true));

        var corrected =
                leads.captureFromChat(site.siteId(), "s-1", new ChatLead(null, "jane@work.example", null, "demo"));
        assertThat(corrected.changed()).isTrue();

        var row = row(first.leadId());
        assertThat(row)
                .containsEntry("name", "Jane Doe")
                .containsEntry("email", "jane@work.example")
                .containsEntry("phone", "+14155552671")
                .containsEntry("intent", "demo")
                .containsEntry("source", "chat")
                .containsEntry("session_id", "s-1");
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void anotherSessionIsAnotherLead() {
        var one = leads.captureFromChat(site.siteId(), "s-1", new ChatLead(null, "a@example.com", null, null));
        var two = leads.captureFromChat(site.siteId(), "s-2", new ChatLead(null, "a@example.com", null, null));

        assertThat(two.leadId()).isNotEqualTo(one.leadId());
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void aFormLeadIsStoredWithItsPhoneInE164() {
        var id = leads.submitForm(
                        site.siteId(),
                        new LeadForm(
                                null, "  Jane\n Doe ", " Jane@Example.com ", "(415) 555-2671", "Please call me back."))
                .leadId();

        assertThat(row(id))
                .containsEntry("name", "Jane Doe")
                .containsEntry("email", "Jane@example.com")
                .containsEntry("phone", "+14155552671")
                .containsEntry("message", "Please call me back.")
                .containsEntry("source", "form")
                .containsEntry("session_id", null);
    }

    @Test
    void aFormWithASessionCompletesThatSessionsLead() {
        var chat = leads.captureFromChat(site.siteId(), "s-9", new ChatLead(null, "jane@example.com", null, "pricing"));

        var id = leads.submitForm(site.siteId(), new LeadForm("s-9", "Jane", null, "+44 20 7946 0958", "Call me"))
                .leadId();

        assertThat(id).isEqualTo(chat.leadId());
        assertThat(row(id))
                .containsEntry("email", "jane@example.com")
                .containsEntry("phone", "+442079460958")
                .containsEntry("name", "Jane")
                .containsEntry("intent", "pricing")
                .containsEntry("source", "form");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "null",
            value = {
                "no contact at all|null|Jane|null|null|null|email",
                "blank contact|null|Jane|'  '|''|null|email",
                "invalid email|null|null|jane@|null|null|email",
                "invalid phone|null|null|null|12|null|phone",
                "letters as phone|null|null|null|call me maybe|null|phone",
                "bad session id|bad session!|null|jane@example.com|null|null|session_id",
            })
    void aFormThatBreaksTheContractIsA400(
            String name, String sessionId, String person, String email, String phone, String message, String field) {
        var before = count();

        assertThatThrownBy(
                        () -> leads.submitForm(site.siteId(), new LeadForm(sessionId, person, email, phone, message)))
                .isInstanceOfSatisfying(InvalidRequest.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("invalid_request");
                    assertThat(e.field()).isEqualTo(field);
                });
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void aFormsNameAndMessageHaveLimits() {
        assertThatThrownBy(() -> leads.submitForm(
                        site.siteId(), new LeadForm(null, "x".repeat(201), "a@example.com", null, null)))
                .isInstanceOfSatisfying(
                        InvalidRequest.class, e -> assertThat(e.field()).isEqualTo("name"));
        assertThatThrownBy(() -> leads.submitForm(
                        site.siteId(), new LeadForm(null, null, "a@example.com", null, "x".repeat(4001))))
                .isInstanceOfSatisfying(
                        InvalidRequest.class, e -> assertThat(e.field()).isEqualTo("message"));

        var id = leads.submitForm(
                        site.siteId(), new LeadForm(null, "x".repeat(200), "a@example.com", null, "x".repeat(4000)))
                .leadId();
        assertThat(row(id).get("message").toString()).hasSize(4000);
    }

    @Test
    void erasingASessionRemovesItsLeadAndNoOther() {
        leads.captureFromChat(site.siteId(), "gone", new ChatLead(null, "a@example.com", null, null));
        leads.captureFromChat(site.siteId(), "kept", new ChatLead(null, "b@example.com", null, null));

        assertThat(leads.eraseSession(site.siteId(), "gone")).isEqualTo(1);
        assertThat(leads.eraseSession(site.siteId(), "gone")).isZero();

        assertThat(count()).isEqualTo(1);
    }

    private Map<String, Object> row(UUID id) {
        return jdbc.sql("SELECT session_id, name, email, phone, message, intent, source FROM leads WHERE id = ?")
                .param(id)
                .query()
                .singleRow();
    }

    private long count() {
        return jdbc.sql("SELECT count(*) FROM leads WHERE site_id = ?")
                .param(site.siteId())
                .query(Long.class)
                .single();
    }
}
