package com.helloyuno.notify;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of lead notifications.
 *
 * @param publicBaseUrl where this service is reached from outside ({@code YUNO_PUBLIC_URL}), for the
 *     conversation links in events; without it they are paths
 * @param maxPageSize the largest page of the deliveries list
 */
@Validated
@ConfigurationProperties("yuno.notify")
public record NotifySettings(
        @Nullable @Pattern(regexp = "(https?://\\S+)?", message = "must be an http(s) URL")
        String publicBaseUrl,

        @Min(1) @Max(1000) @DefaultValue("100") int maxPageSize,
        @Valid @NotNull @DefaultValue Webhooks webhooks,
        @Valid @NotNull @DefaultValue Delivery delivery,
        @Valid @NotNull @DefaultValue Mail mail) {

    /**
     * How webhooks are sent.
     *
     * @param allowHttp whether {@code http://} webhook URLs are accepted (local tests only); https
     *     otherwise
     * @param allowPrivateAddresses whether webhooks may go to loopback and private networks (local
     *     tests only); cloud metadata addresses are refused regardless
     * @param connectTimeout to open a connection
     * @param timeout the whole call, from connecting to the last byte of the response read
     * @param maxResponseSize how much of a response is read (the rest is not waited for)
     * @param userAgent the {@code User-Agent} header
     */
    public record Webhooks(
            @DefaultValue("false") boolean allowHttp,
            @DefaultValue("false") boolean allowPrivateAddresses,
            @NotNull @DefaultValue("5s") Duration connectTimeout,
            @NotNull @DefaultValue("5s") Duration timeout,
            @NotNull @DefaultValue("64KB") DataSize maxResponseSize,
            @NotBlank @DefaultValue("Yuno-Webhooks/1.0") String userAgent) {}

    /**
     * How the outbox is drained.
     *
     * @param enabled whether this instance's worker runs
     * @param pollInterval how often the outbox is looked at for due deliveries
     * @param batchSize deliveries claimed at once, and sent concurrently, by one instance
     * @param lease how long a claim lasts; a delivery whose instance died is tried again after it
     * @param retryFor how long after an event (or a redelivery) retries go on
     * @param initialBackoff the wait before the second attempt; it doubles with every attempt
     * @param maxBackoff the longest wait between attempts, and the longest {@code Retry-After}
     *     honoured
     * @param jitter the share of each wait drawn at random (0.5: between half and the whole)
     */
    public record Delivery(
            @DefaultValue("true") boolean enabled,
            @NotNull @DefaultValue("1s") Duration pollInterval,
            @Min(1) @Max(500) @DefaultValue("20") int batchSize,
            @NotNull @DefaultValue("2m") Duration lease,
            @NotNull @DefaultValue("24h") Duration retryFor,
            @NotNull @DefaultValue("30s") Duration initialBackoff,
            @NotNull @DefaultValue("1h") Duration maxBackoff,

            @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.5")
            double jitter) {

        public Delivery {
            if (lease.compareTo(Duration.ofSeconds(15)) < 0) {
                // A claim must outlast one attempt (connect plus call timeouts), or two instances send.
                throw new IllegalArgumentException("yuno.notify.delivery.lease must be at least 15s");
            }
        }
    }

    /**
     * Lead e-mails, sent through Spring Boot's mail settings ({@code SPRING_MAIL_HOST}, ...).
     *
     * @param from the sender address ({@code YUNO_MAIL_FROM}); without it, or without a mail host,
     *     no e-mail is sent and a warning says so
     * @param subjectPrefix the start of every subject
     */
    public record Mail(
            @Nullable String from,
            @NotNull @DefaultValue("[Yuno]") String subjectPrefix) {

        public boolean configured() {
            return from != null && !from.isBlank();
        }
    }
}
