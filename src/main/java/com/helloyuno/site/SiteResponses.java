package com.helloyuno.site;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The bodies the sites API answers with. */
final class SiteResponses {

    private SiteResponses() {}

    /** A new site with its owner key, shown this once. */
    record CreatedSiteBody(
            @JsonUnwrapped Site site,
            String ownerKey,
            @Nullable String webhookSecret) {}

    /** A changed site; with the webhook secret made because its first webhook URL was set, this once. */
    record UpdatedSiteBody(
            @JsonUnwrapped Site site, @Nullable String webhookSecret) {}

    record WebhookSecretBody(String siteId, String webhookSecret) {}

    record OwnerKeyBody(String siteId, String ownerKey) {}

    record IdentitySecretBody(String siteId, String identitySecret) {}

    record SitePage(List<Site> items, int page, int size, long total) {}
}
