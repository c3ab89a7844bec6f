package com.helloyuno.chat;

import static com.helloyuno.chat.ChatFixtures.events;
import static com.helloyuno.chat.ChatFixtures.message;
import static com.helloyuno.chat.ChatFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.DemoSiteCreated;
import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Without an OpenAI key the same endpoint answers from the best matching passages, and streams them. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY, "yuno.llm.openai-api-key="})
class AskOfflineIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ApplicationEventPublisher events;

    ChatFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new ChatFixtures(new Http(port), jdbc);
    }

    @Test
    void answersFromTheBestMatchingPassageWithSources() {
        var site = fixtures.site("offline.example");
        fixtures.document(
                site.siteId(),
                "Opening hours",
                "https://offline.example/hours",
                "Our shop is open from 9 to 17 on weekdays and closed on Sundays.");
        fixtures.document(
                site.siteId(), "Parking", "https://offline.example/parking", "Free parking is behind the building.");

        var response = fixtures.ask(site.token(), "When is the shop open on weekdays?", "offline-1");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var body = response.json();
        assertThat(body.path("answer").asString()).contains("Opening hours").contains("open from 9 to 17 on weekdays");
        assertThat(body.path("sources").get(0).path("url").asString()).isEqualTo("https://offline.example/hours");
        assertThat(body.path("usage").path("total_tokens").asInt()).isZero();

        var stream = fixtures.ask(
                site.token(),
                Map.of("messages", List.of(message("user", "When is the shop open on weekdays?"))),
                "Accept",
                "text/event-stream");
        var events = events(stream.body());
        assertThat(tokens(events)).isEqualTo(body.path("answer").asString());
        assertThat(events.getLast().name()).isEqualTo("done");
    }

    @Test
    void theAcceptHeaderChoosesOneJsonDocumentOrEvents() {
        var site = fixtures.site("accept.example");
        var body = java.util.Map.of(
                "messages", java.util.List.of(ChatFixtures.message("user", "Hello?")), "session_id", "accept-1");
        for (var accept : new String[] {null, "*/*", "application/json", "application/json, */*;q=0.5"}) {
            var response = accept == null
                    ? fixtures.ask(site.token(), body)
                    : fixtures.ask(site.token(), body, "Accept", accept);
            assertThat(response.status()).as(accept).isEqualTo(200);
            assertThat(response.header("Content-Type")).as(accept).startsWith("application/json");
            assertThat(response.json().path("answer").asString()).as(accept).isNotBlank();
        }
        for (var accept : new String[] {"text/event-stream", "text/event-stream, application/json;q=0.5"}) {
            var response = fixtures.ask(site.token(), body, "Accept", accept);
            assertThat(response.status()).as(accept).isEqualTo(200);
            assertThat(response.header("Content-Type")).as(accept).startsWith("text/event-stream");
            assertThat(ChatFixtures.events(response.body()))
                    .extracting(ChatFixtures.Event::name)
                    .as(accept)
                    .startsWith("meta")
                    .endsWith("done");
        }
    }

    @Test
    void theDemoSiteAnswersANewcomersFirstQuestionsFromItsGuides() {
        // English, as the demo site is made.
        var site = fixtures.site(java.util.Map.of("domain", "demo.example", "language", "en"));
        events.publishEvent(new DemoSiteCreated(site.siteId()));

        var install = fixtures.ask(site.token(), "How do I add the widget to my website?", "demo-1");
        assertThat(install.status()).as(install.body()).isEqualTo(200);
        assertThat(install.json().path("answer").asString())
                .startsWith("Here is what I found in **Adding the Yuno widget to your website**")
                .contains("paste one script tag");
        assertThat(install.json().path("sources").get(0).path("title").asString())
                .isEqualTo("Adding the Yuno widget to your website");

        var limits =
                fixtures.ask(site.token(), "How many questions can visitors ask per day on the free plan?", "demo-2");
        assertThat(limits.json().path("answer").asString()).contains("Plans, limits and leads");

        var crawl = fixtures.ask(site.token(), "Can Yuno crawl my sitemap?", "demo-3");
        assertThat(crawl.json().path("answer").asString()).contains("Teaching the assistant about your website");
    }

    @Test
    void contactDetailsAreAcknowledgedNotAskedForAgain() {
        var site = fixtures.site("offline-contact.example");
        fixtures.document(
                site.siteId(),
                "Enterprise plan",
                "https://offline-contact.example/enterprise",
                "The enterprise plan includes single sign-on and a dedicated support engineer.");

        var bare = fixtures.ask(site.token(), "Please call me on +1 415 555 2671", "offline-contact-1");
        assertThat(bare.json().path("answer").asString()).isEqualTo(OfflineAnswers.THANKS);
        assertThat(bare.json().path("lead_captured").asBoolean()).isTrue();

        var withQuestion = fixtures.ask(
                site.token(), "I'm interested in the enterprise plan, write to ann@example.org", "offline-contact-2");
        assertThat(withQuestion.json().path("answer").asString())
                .startsWith(OfflineAnswers.THANKS)
                .contains("dedicated support engineer")
                .doesNotContain("leave your email");
        assertThat(withQuestion.json().path("sources").get(0).path("title").asString())
                .isEqualTo("Enterprise plan");
    }

    @Test
    void saysItDoesNotKnowAndOffersToTakeContactDetailsWhenNothingMatches() {
        var site = fixtures.site("offline-empty.example");
        var response = fixtures.ask(site.token(), "Do you repair spaceships?", "offline-2");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("answer").asString()).isEqualTo(OfflineAnswers.NOT_FOUND);
        assertThat(response.json().path("sources").size()).isZero();
    }
}
