package com.helloyuno.site;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The bodies the sites API answers with. */
final class SiteResponses {

    private SiteResponses() {}

    /** A new site with its owner key, shown this once. */
    @Schema(name = "CreatedSite")
    record CreatedSiteBody(
            @JsonUnwrapped Site site,

            @Schema(description = "The owner key (ysk_...), shown this once")
            String ownerKey,

            @Schema(description = "When a lead webhook URL was set: the secret that signs its webhooks") @Nullable
            String webhookSecret) {}

    /** A changed site; with the webhook secret made because its first webhook URL was set, this once. */
    @Schema(name = "UpdatedSite")
    record UpdatedSiteBody(
            @JsonUnwrapped Site site,

            @Schema(description = "When the first lead webhook URL was set: the secret that signs its webhooks")
            @Nullable
            String webhookSecret) {}

    @Schema(name = "WebhookSecret")
    record WebhookSecretBody(String siteId, String webhookSecret) {}

    @Schema(name = "OwnerKey")
    record OwnerKeyBody(String siteId, String ownerKey) {}

    @Schema(name = "IdentitySecret")
    record IdentitySecretBody(String siteId, String identitySecret) {}

    record SitePage(List<Site> items, int page, int size, long total) {}
}
