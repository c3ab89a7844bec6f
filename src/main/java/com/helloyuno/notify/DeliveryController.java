package com.helloyuno.notify;

import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.apidoc.ProblemResponse;
import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/sites/{site_id}/deliveries} and {@code /api/sites/{site_id}/webhook/test}: what
 * became of a site's lead events (webhooks and e-mails), newest first, with every attempt; a
 * redelivery; a test event to check a receiver. For the site's owner and the operator.
 */
@RestController
@Validated
@RequestMapping("/api/sites/{siteId}")
@Tag(name = "Deliveries")
class DeliveryController {

    private final Outbox outbox;
    private final Notifications notifications;
    private final SiteService sites;
    private final NotifySettings settings;
    private final DeliveryWorker worker;

    DeliveryController(
            Outbox outbox,
            Notifications notifications,
            SiteService sites,
            NotifySettings settings,
            DeliveryWorker worker) {
        this.outbox = outbox;
        this.notifications = notifications;
        this.sites = sites;
        this.settings = settings;
        this.worker = worker;
    }

    /**
     * A delivery as the owner sees it.
     *
     * @param status {@code pending}, {@code delivered} or {@code failed} (given up)
     * @param nextAttemptAt when a pending delivery is tried next
     * @param history every attempt, oldest first (in the single-delivery view only)
     */
    @Schema(name = "Delivery")
    record DeliveryView(
            UUID deliveryId,
            UUID eventId,

            @Schema(allowableValues = {"lead.created", "lead.updated", "webhook.test"})
            String eventType,

            @Schema(allowableValues = {"webhook", "email"}) String channel,

            @Schema(allowableValues = {"pending", "delivered", "failed"})
            String status,

            int attempts,
            @Nullable Integer lastStatusCode,
            @Nullable String lastError,
            @Nullable Instant nextAttemptAt,
            Instant createdAt,
            @Nullable Instant deliveredAt,
            @Nullable List<AttemptView> history) {

        static DeliveryView of(Outbox.Delivery d, @Nullable List<Outbox.Attempt> attempts) {
            return new DeliveryView(
                    d.id(),
                    d.eventId(),
                    d.eventType(),
                    d.channel().wireName(),
                    d.status(),
                    d.attempts(),
                    d.lastStatusCode(),
                    d.lastError(),
                    d.status().equals("pending") ? d.nextAttemptAt() : null,
                    d.createdAt(),
                    d.deliveredAt(),
                    attempts == null
                            ? null
                            : attempts.stream().map(AttemptView::of).toList());
        }
    }

    @Schema(name = "DeliveryAttempt")
    record AttemptView(
            Instant attemptedAt,
            int durationMs,
            @Nullable Integer statusCode,
            @Nullable String error) {
        static AttemptView of(Outbox.Attempt a) {
            return new AttemptView(a.attemptedAt(), a.durationMs(), a.statusCode(), a.error());
        }
    }

    record DeliveryPage(List<DeliveryView> items, int page, int size, long total) {}

    @GetMapping("/deliveries")
    @Operation(
            operationId = "listDeliveries",
            summary = "List a site's lead deliveries",
            description = "Webhooks and e-mails of lead events, newest first.")
    DeliveryPage list(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @ConfiguredMax("yuno.notify.max-page-size") int size) {
        sites.requireAccessible(caller, siteId);
        if (size > settings.maxPageSize()) {
            throw new InvalidRequest("size", "must be at most " + settings.maxPageSize());
        }
        var items = outbox.page(siteId, page, size).stream()
                .map(d -> DeliveryView.of(d, null))
                .toList();
        return new DeliveryPage(items, page, size, outbox.count(siteId));
    }

    @GetMapping("/deliveries/{deliveryId}")
    @Operation(operationId = "getDelivery", summary = "Read a delivery with every attempt")
    @ProblemResponse(status = 404, codes = "delivery_not_found")
    DeliveryView get(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @PathVariable String deliveryId) {
        sites.requireAccessible(caller, siteId);
        var id = deliveryId(deliveryId);
        var delivery = outbox.find(siteId, id).orElseThrow(DeliveryNotFound::new);
        return DeliveryView.of(delivery, outbox.attempts(id));
    }

    /** Sends a delivery again, now, with a fresh retry window: delivered, failed or still pending. */
    @PostMapping("/deliveries/{deliveryId}/redeliver")
    @Operation(
            operationId = "redeliver",
            summary = "Send a delivery again",
            description = "Now, with a fresh retry window, whether it was delivered, failed or is still pending.")
    @ApiResponse(
            responseCode = "202",
            description = "Queued",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DeliveryView.class)))
    @ProblemResponse(status = 404, codes = "delivery_not_found")
    @ProblemResponse(status = 409, codes = "delivery_in_progress")
    ResponseEntity<DeliveryView> redeliver(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @PathVariable String deliveryId) {
        sites.requireAccessible(caller, siteId);
        var id = deliveryId(deliveryId);
        outbox.find(siteId, id).orElseThrow(DeliveryNotFound::new);
        if (!outbox.redeliver(siteId, id, settings.delivery().retryFor())) {
            throw new DeliveryInProgress();
        }
        worker.wake();
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(DeliveryView.of(outbox.find(siteId, id).orElseThrow(DeliveryNotFound::new), null));
    }

    /** Queues a {@code webhook.test} event for the site's webhook, signed and retried like a lead's. */
    @PostMapping("/webhook/test")
    @Operation(
            operationId = "testWebhook",
            summary = "Send a test event to the site's webhook",
            description = "A webhook.test event, signed and retried like a lead's.")
    @ApiResponse(
            responseCode = "202",
            description = "Queued",
            headers = @Header(name = "Location", required = true, schema = @Schema(type = "string")),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DeliveryView.class)))
    @ProblemResponse(status = 409, codes = "webhook_not_configured")
    ResponseEntity<DeliveryView> test(@AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId) {
        sites.requireAccessible(caller, siteId);
        var id = notifications.enqueueTest(siteId).orElseThrow(WebhookNotConfigured::new);
        worker.wake();
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .header("Location", "/api/sites/" + siteId + "/deliveries/" + id)
                .body(DeliveryView.of(outbox.find(siteId, id).orElseThrow(DeliveryNotFound::new), null));
    }

    private static UUID deliveryId(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new DeliveryNotFound();
        }
    }
}
