package com.helloyuno.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryPolicyTests {

    private static NotifySettings.Delivery settings(double jitter) {
        return new NotifySettings.Delivery(
                true,
                Duration.ofSeconds(1),
                20,
                Duration.ofMinutes(2),
                Duration.ofHours(24),
                Duration.ofSeconds(30),
                Duration.ofHours(1),
                jitter);
    }

    @Test
    void theWaitDoublesUpToTheCap() {
        var policy = new RetryPolicy(settings(0), () -> 0.7);
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(policy.backoff(5)).isEqualTo(Duration.ofSeconds(480));
        assertThat(policy.backoff(8)).isEqualTo(Duration.ofHours(1));
        assertThat(policy.backoff(500)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void jitterDrawsBetweenHalfAndAllOfTheWait() {
        assertThat(new RetryPolicy(settings(0.5), () -> 0.0).backoff(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(new RetryPolicy(settings(0.5), () -> 0.999999).backoff(2))
                .isBetween(Duration.ofSeconds(30), Duration.ofMillis(30_001));
    }

    @Test
    void retryAfterIsWaitedForUpToTheCapAndRetriesEndAfterTheWindow() {
        var policy = new RetryPolicy(settings(0), () -> 0);
        var now = Instant.parse("2026-01-01T00:00:00Z");
        var until = now.plus(Duration.ofHours(24));
        assertThat(policy.next(now, 1, Duration.ofSeconds(120), until)).isEqualTo(now.plusSeconds(120));
        assertThat(policy.next(now, 1, Duration.ofSeconds(5), until)).isEqualTo(now.plusSeconds(30));
        assertThat(policy.next(now, 1, Duration.ofDays(3), until)).isEqualTo(now.plus(Duration.ofHours(1)));
        assertThat(policy.next(now, 1, null, now.plusSeconds(29))).isNull();
    }

    @Test
    void twentyFourHoursOfRetriesMakeAboutThirtyAttempts() {
        var policy = new RetryPolicy(settings(0), () -> 0);
        var start = Instant.parse("2026-01-01T00:00:00Z");
        var until = start.plus(Duration.ofHours(24));
        var at = start;
        var attempts = 1;
        while (true) {
            var next = policy.next(at, attempts, null, until);
            if (next == null) {
                break;
            }
            at = next;
            attempts++;
        }
        assertThat(attempts).isBetween(25, 35);
        assertThat(Duration.between(at, until)).isLessThan(Duration.ofHours(1));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        var clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        var sender = new WebhookSender(
                new WebhookUrls(false, new com.helloyuno.net.AddressGuard(false)),
                new NotifySettings.Webhooks(
                        false,
                        false,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5),
                        org.springframework.util.unit.DataSize.ofKilobytes(64),
                        "t"),
                clock);
        try {
            assertThat(sender.retryAfter("120")).isEqualTo(Duration.ofSeconds(120));
            assertThat(sender.retryAfter("Thu, 01 Jan 2026 00:02:00 GMT")).isEqualTo(Duration.ofSeconds(120));
            assertThat(sender.retryAfter("soon")).isNull();
            assertThat(sender.retryAfter(null)).isNull();
        } finally {
            sender.destroy();
        }
    }
}
