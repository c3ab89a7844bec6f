package com.helloyuno.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.YunoApplication;
import com.helloyuno.lead.LeadForm;
import com.helloyuno.lead.LeadService;
import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TestServices;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two instances, each with its own worker, drain one outbox: every event reaches the receiver
 * exactly once, and both instances took part (and each attempt was the first: no row was sent by
 * one instance while another held it).
 */
class DeliveryInstancesIntegrationTests {

    private static final int LEADS = 24;

    @Test
    void twoInstancesDeliverEachEventOnce() throws Exception {
        try (var receiver = new Receiver();
                var first = startInstance();
                var second = startInstance()) {
            // Slow enough that both workers find work waiting while the other is busy.
            receiver.slowBy(150);
            var api = new SiteApi(new Http(port(first)), SiteApi.OPERATOR_KEY);
            var siteId = api.create(Map.of(
                            "domain",
                            "instances-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com",
                            "custom_config",
                            Map.of("lead_webhook_url", receiver.url("/hook"))))
                    .siteId();
            var leads = first.getBean(LeadService.class);
            for (int i = 0; i < LEADS; i++) {
                leads.submitForm(siteId, new LeadForm(null, null, "visitor-" + i + "@example.com", null, null));
            }

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> receiver.received().size() >= LEADS);
            Thread.sleep(1_500);
            var received = receiver.received();
            assertThat(received).hasSize(LEADS);
            var eventIds = new HashSet<String>();
            received.forEach(r -> eventIds.add(r.header("Yuno-Event-Id")));
            assertThat(eventIds).hasSize(LEADS);

            var jdbc = first.getBean(JdbcClient.class);
            assertThat(jdbc.sql(
                                    "SELECT count(*) FROM outbox WHERE site_id = ? AND status = 'delivered' AND attempts = 1")
                            .param(siteId)
                            .query(Long.class)
                            .single())
                    .isEqualTo(LEADS);
            var instances = jdbc.sql("SELECT count(DISTINCT a.instance) FROM outbox_attempts a"
                            + " JOIN outbox o ON o.id = a.outbox_id WHERE o.site_id = ?")
                    .param(siteId)
                    .query(Long.class)
                    .single();
            // At least these two: other test contexts of this JVM, alive in Spring's context cache, drain
            // the same outbox too, which only strengthens the point.
            assertThat(instances).as("both instances delivered some").isGreaterThanOrEqualTo(2);
        }
    }

    private static ConfigurableApplicationContext startInstance() throws Exception {
        var args = new ArrayList<String>();
        TestServices.properties().forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--server.port=0");
        args.add("--yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY);
        args.add("--yuno.llm.openai-api-key=");
        args.add("--yuno.sites.secrets-key=" + TestServices.SECRETS_KEY);
        args.add("--yuno.spool.directory=" + Files.createTempDirectory("spool"));
        args.add("--yuno.notify.webhooks.allow-http=true");
        args.add("--yuno.notify.webhooks.allow-private-addresses=true");
        args.add("--yuno.notify.delivery.poll-interval=50ms");
        args.add("--yuno.notify.delivery.batch-size=2");
        return new SpringApplicationBuilder(YunoApplication.class)
                .logStartupInfo(false)
                .run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
