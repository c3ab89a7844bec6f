package com.helloyuno.site;

import com.helloyuno.apidoc.ApiDocs;
import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.apidoc.ProblemResponse;
import com.helloyuno.problem.Forbidden;
import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.problem.PageSize;
import com.helloyuno.ratelimit.RateLimiter;
import com.helloyuno.ratelimit.Usage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/sites}: the operator manages every site; an owner reads and tunes its own. */
@RestController
@Validated
@RequestMapping("/api/sites")
@Tag(name = "Sites")
class SiteController {

    /** The site of the seed's install snippet. */
    private static final String NEW_SITE = """
            {"domain": "example.com", "plan_type": "free", "theme": "dark",
             "custom_config": {"welcome_message": "Hi! How can I help you today?", "primary_color": "#FF6B35",
                               "position": "bottom-right"}}""";

    private final SiteService service;
    private final SiteSettings settings;
    private final RateLimiter rateLimiter;
    private final LeadWebhookRule webhookRule;

    SiteController(SiteService service, SiteSettings settings, RateLimiter rateLimiter, LeadWebhookRule webhookRule) {
        this.service = service;
        this.settings = settings;
        this.rateLimiter = rateLimiter;
        this.webhookRule = webhookRule;
    }

    @PostMapping
    @Operation(
            operationId = "createSite",
            summary = "Create a site",
            description = "Answers with the site and its owner key (ysk_...), shown this once; and, when the"
                    + " config sets a lead webhook URL, the secret that signs its webhooks.",
            security = @SecurityRequirement(name = ApiDocs.OPERATOR_KEY),
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = SiteRequests.CreateSite.class),
                                            examples =
                                                    @ExampleObject(
                                                            name = "site",
                                                            summary = "The site of the seed's install snippet",
                                                            value = NEW_SITE))))
    @ApiResponse(
            responseCode = "201",
            description = "Created",
            headers = @Header(name = "Location", required = true, schema = @Schema(type = "string")),
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = SiteResponses.CreatedSiteBody.class)))
    ResponseEntity<SiteResponses.CreatedSiteBody> create(
            @AuthenticationPrincipal ApiCaller caller, @Valid @RequestBody SiteRequests.CreateSite body) {
        requireOperator(caller, "Only the operator creates sites.");
        var domain = domain("domain", body.domain());
        var draft = new SiteService.SiteDraft(
                domain,
                additionalDomains(body.additionalDomains(), domain),
                Boolean.TRUE.equals(body.allowSubdomains()),
                body.userId(),
                body.planType() != null ? body.planType() : com.helloyuno.plan.PlanType.FREE,
                body.theme() != null ? body.theme() : Theme.DARK,
                body.customConfig() != null
                        ? body.customConfig().applyTo(CustomConfig.DEFAULTS)
                        : CustomConfig.DEFAULTS,
                body.language() == null ? null : language(body.language()));
        checkWebhookUrl(draft.customConfig(), null);
        var created = service.create(draft);
        return ResponseEntity.status(HttpStatus.CREATED)
                .header("Location", "/api/sites/" + created.site().siteId())
                .body(new SiteResponses.CreatedSiteBody(created.site(), created.ownerKey(), created.webhookSecret()));
    }

    @GetMapping
    @Operation(
            operationId = "listSites",
            summary = "List the sites",
            security = @SecurityRequirement(name = ApiDocs.OPERATOR_KEY))
    SiteResponses.SitePage list(
            @AuthenticationPrincipal ApiCaller caller,
            @RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @ConfiguredMax("yuno.sites.max-page-size") int size) {
        requireOperator(caller, "Only the operator lists sites.");
        PageSize.atMost(size, settings.maxPageSize());
        return new SiteResponses.SitePage(service.page(page, size), page, size, service.count());
    }

    @GetMapping("/{siteId}")
    @Operation(operationId = "getSite", summary = "Read a site")
    Site get(@AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId) {
        return service.requireAccessible(caller, siteId);
    }

    @PatchMapping("/{siteId}")
    @Operation(
            operationId = "updateSite",
            summary = "Change a site",
            description = "Only the fields present change. plan_type and plan_active are the operator's alone"
                    + " (403 forbidden with an owner key). When the first lead webhook URL is set, the answer"
                    + " carries the secret that signs its webhooks, this once.")
    @ProblemResponse(status = 403, codes = "forbidden")
    SiteResponses.UpdatedSiteBody update(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @Valid @RequestBody SiteRequests.UpdateSite body) {
        var site = service.requireAccessible(caller, siteId);
        if (body.changesPlan() && !caller.isOperator()) {
            throw new Forbidden("Only the operator changes plan_type and plan_active.");
        }
        if (Boolean.TRUE.equals(body.identityRequired())
                && service.identitySecret(siteId).isEmpty()) {
            throw new InvalidRequest(
                    "identity_required", "make an identity secret first (POST /api/sites/{site_id}/identity-secret)");
        }
        var domain = body.domain() != null ? domain("domain", body.domain()) : site.domain();
        var additional = body.additionalDomains() != null
                ? additionalDomains(body.additionalDomains(), domain)
                : site.additionalDomains().stream()
                        .filter(d -> !d.equals(domain))
                        .toList();
        var updated = new Site(
                site.siteId(),
                domain,
                additional,
                body.allowSubdomains() != null ? body.allowSubdomains() : site.allowSubdomains(),
                body.userId() != null ? body.userId() : site.userId(),
                body.planType() != null ? body.planType() : site.planType(),
                body.planActive() != null ? body.planActive() : site.planActive(),
                body.widgetEnabled() != null ? body.widgetEnabled() : site.widgetEnabled(),
                body.theme() != null ? body.theme() : site.theme(),
                body.customConfig() != null ? body.customConfig().applyTo(site.customConfig()) : site.customConfig(),
                body.identityRequired() != null ? body.identityRequired() : site.identityRequired(),
                body.language() != null ? language(body.language()) : site.language(),
                site.createdAt(),
                site.updatedAt());
        checkWebhookUrl(updated.customConfig(), site.customConfig());
        // The secret exists before the URL is stored, so that no lead event finds a URL without one.
        var webhookSecret = updated.customConfig().leadWebhookUrl() != null
                ? service.firstWebhookSecret(siteId).orElse(null)
                : null;
        return new SiteResponses.UpdatedSiteBody(service.update(updated), webhookSecret);
    }

    /**
     * Makes a new secret that signs the site's webhooks (the {@code Yuno-Signature} header); shown
     * once, and the previous one stops signing at once.
     */
    @PostMapping("/{siteId}/webhook-secret")
    @Operation(
            operationId = "rotateWebhookSecret",
            summary = "Make a new webhook signing secret",
            description = "Shown once; the previous secret stops signing at once.")
    SiteResponses.WebhookSecretBody rotateWebhookSecret(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId) {
        service.requireAccessible(caller, siteId);
        return new SiteResponses.WebhookSecretBody(siteId, service.rotateWebhookSecret(siteId));
    }

    /** A new or changed webhook URL must be one the webhooks may be sent to; one kept as it was is not checked again. */
    private void checkWebhookUrl(CustomConfig config, @Nullable CustomConfig before) {
        var url = config.leadWebhookUrl();
        if (url != null && (before == null || !url.equals(before.leadWebhookUrl()))) {
            webhookRule.check("custom_config.lead_webhook_url", url);
        }
    }

    @DeleteMapping("/{siteId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(
            operationId = "deleteSite",
            summary = "Delete a site and every row of its data",
            security = @SecurityRequirement(name = ApiDocs.OPERATOR_KEY))
    @ApiResponse(responseCode = "204", description = "Deleted")
    void delete(@AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId) {
        service.requireAccessible(caller, siteId);
        requireOperator(caller, "Only the operator deletes sites.");
        service.delete(siteId);
    }

    @PostMapping("/{siteId}/owner-key")
    @Operation(
            operationId = "rotateOwnerKey",
            summary = "Make a new owner key",
            description = "Shown once; the old key stops working at once.")
    SiteResponses.OwnerKeyBody rotateOwnerKey(@AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId) {
        service.requireAccessible(caller, siteId);
        return new SiteResponses.OwnerKeyBody(siteId, service.rotateOwnerKey(siteId));
    }

    /**
     * Makes the secret that the site's own server signs visitors with; shown once. Identity
     * verification cannot be required before a secret exists.
     */
    @PostMapping("/{siteId}/identity-secret")
    @Operation(
            operationId = "rotateIdentitySecret",
            summary = "Make a new identity secret",
            description = "The secret the site's own server signs visitors with (visitor_hash, visitor_token);"
                    + " shown once. identity_required cannot be set before one exists.")
    SiteResponses.IdentitySecretBody rotateIdentitySecret(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId) {
        service.requireAccessible(caller, siteId);
        return new SiteResponses.IdentitySecretBody(siteId, service.rotateIdentitySecret(siteId));
    }

    /** The plan's limits and what this period has used of them, from the rate limiter's counters. */
    @GetMapping("/{siteId}/usage")
    @Operation(
            operationId = "getUsage",
            summary = "The plan's limits and what this period has used",
            description = "Requests to /ask counted per calendar window (UTC), and model tokens per day and month.")
    Usage usage(@AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId) {
        var site = service.requireAccessible(caller, siteId);
        return rateLimiter.usage(site.siteId(), site.planType());
    }

    private static void requireOperator(ApiCaller caller, String detail) {
        if (!caller.isOperator()) {
            throw new Forbidden(detail);
        }
    }

    /** A language code as sent: empty is none; one PostgreSQL cannot stem is refused by name. */
    private static @Nullable SiteLanguage language(String code) {
        if (code.isEmpty()) {
            return null;
        }
        return SiteLanguage.fromCode(code)
                .orElseThrow(() -> new InvalidRequest(
                        "language",
                        "must be one of "
                                + java.util.Arrays.stream(SiteLanguage.values())
                                        .map(SiteLanguage::code)
                                        .collect(java.util.stream.Collectors.joining(", "))
                                + ", or empty"));
    }

    private static String domain(String field, String value) {
        return Domains.normalize(value)
                .orElseThrow(() -> new InvalidRequest(field, "must be a host name such as example.com"));
    }

    private List<String> additionalDomains(@Nullable List<String> values, String mainDomain) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > settings.maxAdditionalDomains()) {
            throw new InvalidRequest(
                    "additional_domains", "at most " + settings.maxAdditionalDomains() + " domains are allowed");
        }
        var normalized = new LinkedHashSet<String>();
        for (int i = 0; i < values.size(); i++) {
            normalized.add(domain("additional_domains[" + i + "]", values.get(i)));
        }
        normalized.remove(mainDomain);
        return new ArrayList<>(normalized);
    }
}
