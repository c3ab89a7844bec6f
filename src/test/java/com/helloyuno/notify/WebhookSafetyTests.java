package com.helloyuno.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.net.AddressGuard;
import com.helloyuno.problem.InvalidRequest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Where webhooks may go, without Spring: the production policy refuses loopback, private and
 * metadata addresses when the URL is saved, and the sender checks again as it connects, so a name
 * that resolved to a public address at save time and to loopback later (DNS rebinding) is not
 * connected to. A real receiver on loopback proves that nothing reached it.
 */
class WebhookSafetyTests {

    private static final NotifySettings.Webhooks SETTINGS = new NotifySettings.Webhooks(
            false, false, Duration.ofSeconds(5), Duration.ofSeconds(5), DataSize.ofKilobytes(64), "test");

    private final WebhookUrls production = new WebhookUrls(false, new AddressGuard(false));

    @Test
    void urlsToLoopbackPrivateOrMetadataAddressesAreRefusedWhenSaved() {
        for (var url : new String[] {
            "https://127.0.0.1/hook",
            "https://localhost/hook",
            "https://10.1.2.3/hook",
            "https://172.16.0.1/hook",
            "https://192.168.1.10/hook",
            "https://100.64.0.1/hook",
            "https://[::1]/hook",
            "https://[fd00::1]/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[::ffff:127.0.0.1]/hook",
            "https://0.0.0.0/hook",
        }) {
            assertThatThrownBy(() -> production.check("custom_config.lead_webhook_url", url))
                    .as(url)
                    .isInstanceOf(InvalidRequest.class)
                    .hasMessageContaining("custom_config.lead_webhook_url");
        }
    }

    @Test
    void onlyHttpsIsAcceptedUnlessTheOperatorAllowsHttp() {
        for (var url : new String[] {
            "http://93.184.216.34/hook", "ftp://93.184.216.34/", "javascript:alert(1)", "https://user:pw@93.184.216.34/"
        }) {
            assertThatThrownBy(() -> production.check("f", url)).as(url).isInstanceOf(InvalidRequest.class);
        }
        production.check("f", "https://93.184.216.34/hook");
        new WebhookUrls(true, new AddressGuard(false)).check("f", "http://93.184.216.34/hook");
    }

    @Test
    void metadataAddressesAreRefusedEvenWherePrivateAddressesAreAllowed() {
        var permissive = new WebhookUrls(true, new AddressGuard(true));
        permissive.check("f", "http://127.0.0.1:8080/hook");
        assertThatThrownBy(() -> permissive.check("f", "http://169.254.169.254/"))
                .isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> permissive.check("f", "http://100.100.100.200/"))
                .isInstanceOf(InvalidRequest.class);
    }

    @Test
    void aNameThatRebindsToLoopbackAfterTheSaveIsNotConnectedTo() throws Exception {
        try (var receiver = new Receiver()) {
            var lookups = new AtomicInteger();
            // Public for the check when the URL is saved, loopback (the receiver) from then on.
            var guard = new AddressGuard(
                    false,
                    address -> false,
                    host -> lookups.getAndIncrement() == 0
                            ? new InetAddress[] {InetAddress.getByName("93.184.216.34")}
                            : new InetAddress[] {InetAddress.getLoopbackAddress()});
            var urls = new WebhookUrls(true, guard);
            var port = Integer.parseInt(receiver.url("").replaceAll(".*:(\\d+).*", "$1"));
            var url = "http://rebind.example:" + port + "/hook";
            urls.check("custom_config.lead_webhook_url", url);

            var sender = new WebhookSender(urls, SETTINGS, java.time.Clock.systemUTC());
            try {
                var attempted = sender.send(url, "whsec_x", "e", "lead.created", "{}".getBytes(StandardCharsets.UTF_8));
                assertThat(attempted.verdict()).isEqualTo(Attempted.Verdict.GIVE_UP);
                assertThat(attempted.error()).contains("may not reach");
                assertThat(receiver.received()).isEmpty();
                assertThat(lookups.get()).isEqualTo(2);
            } finally {
                sender.destroy();
            }
        }
    }

    @Test
    void aRedirectIsNotFollowedAndALongAnswerIsNotReadToItsEnd() throws Exception {
        try (var receiver = new Receiver()) {
            receiver.answer(new Receiver.Answer(307, java.util.Map.of("Location", receiver.url("/elsewhere")), 0));
            var sender = new WebhookSender(
                    new WebhookUrls(true, new AddressGuard(true)), SETTINGS, java.time.Clock.systemUTC());
            try {
                var attempted = sender.send(receiver.url("/hook"), "whsec_x", "e", "t", "{}".getBytes());
                assertThat(attempted.verdict()).isEqualTo(Attempted.Verdict.GIVE_UP);
                assertThat(attempted.statusCode()).isEqualTo(307);
                assertThat(receiver.received()).hasSize(1);
                assertThat(receiver.receivedAt("/elsewhere")).isEmpty();
            } finally {
                sender.destroy();
            }
        }
    }

    @Test
    void aReceiverThatDoesNotAnswerInTimeIsATimeoutToRetry() throws Exception {
        try (var receiver = new Receiver()) {
            receiver.answer(new Receiver.Answer(200, java.util.Map.of(), 3_000));
            var quick = new NotifySettings.Webhooks(
                    true, true, Duration.ofSeconds(1), Duration.ofMillis(500), DataSize.ofKilobytes(64), "test");
            var sender = new WebhookSender(
                    new WebhookUrls(true, new AddressGuard(true)), quick, java.time.Clock.systemUTC());
            try {
                var started = System.nanoTime();
                var attempted = sender.send(receiver.url("/slow"), "whsec_x", "e", "t", "{}".getBytes());
                assertThat(attempted.verdict()).isEqualTo(Attempted.Verdict.RETRY);
                assertThat(attempted.error()).isEqualTo("timed out");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            } finally {
                sender.destroy();
            }
        }
    }
}
